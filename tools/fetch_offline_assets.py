"""Fetch the third-party JavaScript the website and the slides need, so that they work offline.

By default the book loads MathJax and the widget scripts from CDNs, and the slides load reveal.js
the same way. Classrooms have flaky networks, so we fetch these packages at build time from the npm
registry (``npm pack``), keep only the files a page can load, and let the build serve them locally.
Nothing fetched here is committed: it lands under ``_build/`` (git-ignored).

Adding a package is one line in ``ASSETS``: the npm spec, the folder it lands in, which groups
(``book``, ``slides``) need it, glob patterns of the files to keep, relative to ``root`` inside the
package, and for a widget library the RequireJS module name the widget manager asks for. The
fetch writes ``require-paths.js`` next to the packages: loaded after RequireJS, it points those
module names at the local copies, so the widget manager never falls back to its CDN.

Usage::

    python tools/fetch_offline_assets.py book   _build/offline/book/offline
    python tools/fetch_offline_assets.py slides _build/slides/offline

Exit status 0: assets in place. Exit status 3: npm is missing or the registry cannot be reached;
a message says so and the caller decides what to do (``build_book.py`` falls back to CDNs).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

NPM_UNAVAILABLE = 3


def python_version(package: str, default: str) -> str:
    """The installed version of a Python package whose front end we fetch (they must match)."""
    try:
        return version(package)
    except PackageNotFoundError:
        return default


@dataclass(frozen=True)
class Asset:
    """One npm package, and which of its files a page may load."""

    spec: str  # what `npm pack` gets, e.g. "mathjax@3"
    dest: str  # folder name under the output directory
    groups: tuple[str, ...]  # who needs it: "book" (the website), "slides" (the reveal.js decks)
    keep: tuple[str, ...]  # glob patterns (``**`` crosses folders), relative to ``root``
    root: str = ""  # folder inside the package that becomes ``dest``
    amd: tuple[str, str] | None = None  # (RequireJS module name, its path under ``dest``, no .js)


# The FontAwesome icons the book theme draws: with its script (the ``fa-*`` classes of its
# templates) and with its web font (the admonition, external-link, download and breadcrumb
# icons of its stylesheets). tools/build_book.py maps each to the place the theme uses it.
FONTAWESOME_SVGS = (
    "solid/bars", "solid/list", "solid/magnifying-glass", "solid/sun", "solid/moon",
    "solid/circle-half-stroke", "solid/arrow-up", "solid/angle-left", "solid/angle-right",
    "solid/angle-down", "solid/download", "solid/expand", "solid/file", "solid/file-pdf",
    "solid/code", "solid/rocket", "brands/github",
    "solid/bell", "solid/circle-info", "solid/lightbulb", "solid/triangle-exclamation",
    "solid/circle-exclamation", "solid/circle-xmark", "solid/share", "solid/pencil",
    "solid/up-right-from-square", "solid/magnifying-glass-minus",
)

ASSETS = (
    # MathJax 3: the TeX-to-HTML component, its web fonts, the TeX extensions it autoloads
    # (e.g. \boldsymbol), and the modules its right-click menu loads (accessibility, speech).
    Asset("mathjax@3", "mathjax", ("book", "slides"),
          ("tex-chtml.js", "output/chtml/fonts/woff-v2/*.woff", "input/tex/extensions/**.js",
           "ui/*.js", "a11y/*.js", "sre/**"), root="es5"),
    # RequireJS, which the widget manager uses to load widget modules.
    Asset("requirejs@2", "requirejs", ("book", "slides"), ("require.js",)),
    # The ipywidgets 8 embedding manager (renders saved widget state without a kernel);
    # browsers load the woff2/woff fonts it bundles, so the eot/ttf/svg copies are pruned.
    # Its fonts are found next to its module's URL, hence the mapping of its "dist" folder.
    Asset("@jupyter-widgets/html-manager@^1.0", "html-manager", ("book", "slides"),
          ("embed-amd.js", "*.woff2", "*.woff"), root="dist",
          amd=("@jupyter-widgets/html-manager/dist", "")),
    # The front end of anywidget (the course's explorers), the version of the Python package.
    Asset(f"anywidget@{python_version('anywidget', '0.11')}", "anywidget", ("book", "slides"),
          ("index.js",), root="dist", amd=("anywidget", "index")),
    # Slides: reveal.js 4 (the version nbconvert's reveal template is written for), its theme
    # fonts and speaker-notes plugin.
    Asset("reveal.js@4", "reveal.js", ("slides",),
          ("dist/reveal.css", "dist/reveal.js", "dist/theme/*.css", "dist/theme/fonts/**",
           "plugin/notes/**")),
    # Build-time only, never loaded by a page as is: the SVGs of the few FontAwesome icons the
    # theme draws (tools/build_book.py turns them into one small stylesheet instead of the
    # theme's 1.5 MB icon script and 156 kB icon font), and axe-core, which the accessibility
    # tests inject.
    Asset("@fortawesome/fontawesome-free@6", "fontawesome", ("icons",),
          tuple(f"svgs/{icon}.svg" for icon in FONTAWESOME_SVGS)),
    Asset("axe-core@4.14", "axe-core", ("tests",), ("axe.min.js",)),
)



def _with_axe_core(assets: tuple[Asset, ...]) -> tuple[Asset, ...]:
    """axe-core, which the browser tests inject to check accessibility (never loaded by a page).

    Added only when no entry of ``ASSETS`` fetches it already; the tests look for ``axe.min.js``
    anywhere under ``_build/offline``.
    """
    if any(a.spec.split("@")[0] == "axe-core" for a in assets):
        return assets
    return (*assets, Asset("axe-core@4", "axe-core", ("book",), ("axe.min.js",)))


ASSETS = _with_axe_core(ASSETS)


class NpmUnavailable(RuntimeError):
    """npm is not installed, or it could not fetch a package from the registry."""


def kept_files(names: list[str], asset: Asset) -> dict[str, str]:
    """Map archive member names to their path under ``asset.dest``, keeping only wanted files.

    ``npm pack`` archives put every file under ``package/``.

    Examples
    --------
    >>> a = Asset("x@1", "x", ("book",), ("*.js", "fonts/**"), root="dist")
    >>> kept_files(["package/dist/x.js", "package/dist/x.js.map", "package/dist/fonts/a/b.woff",
    ...             "package/README.md"], a)
    {'package/dist/x.js': 'x.js', 'package/dist/fonts/a/b.woff': 'fonts/a/b.woff'}
    """
    prefix = "package/" + (asset.root.strip("/") + "/" if asset.root else "")
    out = {}
    for name in names:
        if not name.startswith(prefix):
            continue
        rel = name[len(prefix):]
        # fnmatch's "*" already crosses "/", so "**" needs no special treatment, but "dir/*.js"
        # must not reach into sub-folders: compare the number of path parts for single stars.
        for pattern in asset.keep:
            if fnmatch.fnmatch(rel, pattern) and ("**" in pattern or rel.count("/") == pattern.count("/")):
                out[name] = rel
                break
    return out


def npm_pack(spec: str, workdir: Path) -> tuple[Path, str]:
    """Download ``spec`` from the npm registry into ``workdir``; return (tarball, exact version)."""
    npm = shutil.which("npm")
    if npm is None:
        raise NpmUnavailable("npm is not installed (it comes with Node.js: e.g. `apt-get install npm`).")
    proc = subprocess.run([npm, "pack", spec, "--json", "--silent"], cwd=workdir,
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise NpmUnavailable(f"`npm pack {spec}` failed:\n{proc.stderr.strip()[-2000:]}")
    info = json.loads(proc.stdout)[0]
    return workdir / info["filename"], info["version"]


def extract(tarball: Path, asset: Asset, out_dir: Path) -> int:
    """Extract the kept files of ``tarball`` into ``out_dir / asset.dest``; return how many."""
    target = out_dir / asset.dest
    if target.exists():
        shutil.rmtree(target)
    with tarfile.open(tarball, "r:gz") as tar:
        wanted = kept_files(tar.getnames(), asset)
        for member in tar.getmembers():
            if member.name in wanted and member.isfile():
                path = target / wanted[member.name]
                path.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src, open(path, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    if not wanted:
        raise RuntimeError(f"no file of {asset.spec} matched {asset.keep}: has the package layout changed?")
    return len(wanted)


REQUIRE_PATHS_JS = """\
// Generated by tools/fetch_offline_assets.py. Loaded after RequireJS and before the widget
// manager: RequireJS looks for these widget modules here, next to this file, not on a CDN.
(function () {{
  "use strict";
  var here = document.currentScript.src.replace(/[^\\/]*([?#].*)?$/, "");
  var paths = {paths};
  Object.keys(paths).forEach(function (name) {{ paths[name] = here + paths[name]; }});
  window.require.config({{paths: paths}});
}})();
"""


def require_paths_js(assets: list[Asset]) -> str:
    """The script that maps the widget modules of ``assets`` to their local copies."""
    paths = {a.amd[0]: "/".join(p for p in (a.dest, a.amd[1]) if p) for a in assets if a.amd}
    return REQUIRE_PATHS_JS.format(paths=json.dumps(paths, indent=1).replace("\n", "\n  "))


def fetch(group: str, out_dir: Path) -> dict[str, str]:
    """Fetch every asset of ``group`` into ``out_dir``, unless the manifest says they are there.

    Returns the manifest: npm spec -> exact version fetched.
    """
    assets = [a for a in ASSETS if group in a.groups]
    manifest_path = out_dir / "manifest.json"
    wanted = {a.spec: repr(a) for a in assets}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("assets") == wanted and all((out_dir / a.dest).is_dir() for a in assets):
            (out_dir / "require-paths.js").write_text(require_paths_js(assets))
            return manifest["versions"]
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    versions = {}
    with tempfile.TemporaryDirectory() as tmp:
        for asset in assets:
            tarball, version = npm_pack(asset.spec, Path(tmp))
            count = extract(tarball, asset, out_dir)
            versions[asset.spec] = version
            print(f"  {asset.spec:40s} -> {asset.dest}/ ({version}, {count} files)")
    (out_dir / "require-paths.js").write_text(require_paths_js(assets))
    manifest_path.write_text(json.dumps({"assets": wanted, "versions": versions}, indent=1))
    return versions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("group", choices=sorted({g for a in ASSETS for g in a.groups}))
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    try:
        fetch(args.group, args.out_dir)
    except NpmUnavailable as err:
        print(f"\n*** Cannot fetch the offline assets: {err}\n", file=sys.stderr)
        return NPM_UNAVAILABLE
    return 0


if __name__ == "__main__":
    sys.exit(main())
