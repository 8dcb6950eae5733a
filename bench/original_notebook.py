"""The EM loop of the original two-coin notebook, copied faithfully, for the benchmark.

The notebook this course grew out of implements the example of Do &
Batzoglou (2008) in a dozen cells; its iteration (cell 14) is reproduced
below *unchanged*, as a function of the 0/1 toss array ``x`` it works on.
Only two things differ from the notebook:

* ``np.int`` (removed in NumPy 1.24) becomes ``int`` in the known-coins
  estimate of cell 8, so that it runs;
* the cells are wrapped in functions, so that the benchmark can time them.

It is here to be measured, not used: it recomputes the sums over every toss
at every iteration (cost proportional to sets x tosses x iterations) and
multiplies raw probabilities, which underflow to 0 -- and give 0/0 = NaN --
once a set has more than a few hundred tosses.

:func:`original_em_k` generalises the loop to ``K`` coins as minimally as we
could: the same raw-probability products, the same sums over ``x``
recomputed for every coin at every iteration, and the same fixed, equal
coin probabilities (``0.5`` becomes ``1 / K``).  With ``K = 2`` it performs
exactly the notebook's operations.

Run ``python bench/original_notebook.py`` to replay the notebook.
"""

import numpy as np


def notebook_data(n_sets=10, n_tosses=20, seed=None):
    """Cells 2-6: pick a coin for each set, then toss it ``n_tosses`` times.

    The notebook used the global NumPy random state without a seed; ``seed``
    is added so that the benchmark is repeatable.
    """
    np.random.seed(seed)
    NTOSSES = n_tosses  # number of tosses of each coin
    NSETS = n_sets  # number of experiments in which we toss a coin NTOSSES times
    # probability of heads of each coin - this is not observed!
    coins = {"A": 0.3, "B": 0.7}
    # randomly choose a coin NSET times (with equal probability)
    z = np.random.choice(list(coins.keys()), NSETS, p=(0.5, 0.5))
    # toss each coin in z NTOSSES times
    x = np.array([np.random.binomial(1, coins[i], NTOSSES) for i in z])
    return x, z


def known_coins_mle(x, z):
    """Cell 8: estimate each coin's parameter *knowing* the coin used (np.int -> int)."""
    NTOSSES = x.shape[1]
    thetaA = np.sum(x[z == "A", :]) / (np.sum((z == "A").astype(int)) * NTOSSES)
    thetaB = np.sum(x[z == "B", :]) / (np.sum((z == "B").astype(int)) * NTOSSES)
    return thetaA, thetaB


def original_em(x, guessThetaA=0.4, guessThetaB=0.6, n_iter=100):
    """Cell 14: ``n_iter`` EM iterations from the guesses of cell 10, as written.

    (The notebook also runs the loop body once in cells 11-13 before the
    loop; the benchmark times the loop alone, so that it performs exactly
    ``n_iter`` iterations like ``em(..., tol=0, max_iter=n_iter)``.)
    """
    for i in range(n_iter):
        pXgivenA = guessThetaA ** np.sum(x, axis=1) * (1 - guessThetaA) ** np.sum(1.0 - x, axis=1)
        pXgivenB = guessThetaB ** np.sum(x, axis=1) * (1 - guessThetaB) ** np.sum(1.0 - x, axis=1)
        pAgivenX = (pXgivenA * 0.5) / (pXgivenA * 0.5 + pXgivenB * 0.5)
        pBgivenX = (pXgivenB * 0.5) / (pXgivenA * 0.5 + pXgivenB * 0.5)

        CoinA_heads = np.sum(x, axis=1) * pAgivenX
        CoinA_tails = np.sum(1 - x, axis=1) * pAgivenX
        CoinB_heads = np.sum(x, axis=1) * pBgivenX
        CoinB_tails = np.sum(1 - x, axis=1) * pBgivenX

        guessThetaA = np.sum(CoinA_heads) / (np.sum(CoinA_heads) + np.sum(CoinA_tails))
        guessThetaB = np.sum(CoinB_heads) / (np.sum(CoinB_heads) + np.sum(CoinB_tails))
    return guessThetaA, guessThetaB


def original_em_k(x, guessThetas, n_iter=100):
    """Cell 14 generalised to ``K = len(guessThetas)`` coins, each picked with probability 1/K.

    Each line of the notebook that was written once per coin is a loop over
    the coins here; nothing else changes (in particular the denominator is
    recomputed for every coin, as the notebook does for A and B).
    """
    guessThetas = list(guessThetas)
    K = len(guessThetas)
    prior = 1 / K  # the notebook's 0.5
    for i in range(n_iter):
        pXgiven = [
            guessThetas[k] ** np.sum(x, axis=1) * (1 - guessThetas[k]) ** np.sum(1.0 - x, axis=1)
            for k in range(K)
        ]
        pgivenX = [
            (pXgiven[k] * prior) / sum(pXgiven[j] * prior for j in range(K)) for k in range(K)
        ]

        Coin_heads = [np.sum(x, axis=1) * pgivenX[k] for k in range(K)]
        Coin_tails = [np.sum(1 - x, axis=1) * pgivenX[k] for k in range(K)]

        guessThetas = [
            np.sum(Coin_heads[k]) / (np.sum(Coin_heads[k]) + np.sum(Coin_tails[k])) for k in range(K)
        ]
    return tuple(guessThetas)


if __name__ == "__main__":
    x, z = notebook_data(seed=0)
    print("coins:", z)
    print("known-coin estimates:", known_coins_mle(x, z))
    print("EM from (0.4, 0.6), 100 iterations:", original_em(x))
