"""OpenBLAS (through numpy) on the shapes `lodi bench gemm` measures, timed the same way.

Prints one aligned line per shape: name, transposes, M, N, K, median ms, GFLOP/s. Each shape is warmed
up for 0.3 s, then timed in 7 repetitions of enough calls to last about 60 ms; the median is reported.
With --m, --n and --k (and --trans), only that shape, as `lodi bench gemm` takes them.
Run it with Debian's numpy (/usr/bin/python3, linked to OpenBLAS), see docs/PERFORMANCE.md.
"""
import argparse
import time

import numpy as np

TOKENS = 4096


def linear(name, rows, fan_in, fan_out):
    # The three products of y = x·Wᵀ: forward (NT), input gradient dY·W (NN), weight gradient dYᵀ·X (TN).
    return [(name + " fwd", "NT", rows, fan_out, fan_in),
            (name + " dX", "NN", rows, fan_in, fan_out),
            (name + " dW", "TN", fan_out, fan_in, rows)]


SHAPES = ([("square", "NN", s, s, s) for s in (256, 512, 1024, 2048)]
          + linear("linear 128->384", TOKENS, 128, 384)
          + linear("linear 128->512", TOKENS, 128, 512)
          + linear("linear 512->128", TOKENS, 512, 128)
          + linear("output head", 640, 128, 30522))


def operand(rng, transposed, rows, cols):
    # op(X) is rows×cols; a transposed operand is stored cols×rows and viewed through .T (no copy).
    stored = rng.random((cols, rows) if transposed else (rows, cols), dtype=np.float32) - 0.5
    return stored.T if transposed else stored


def median_seconds(a, b, c):
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < 0.3 or calls < 3:
        np.matmul(a, b, out=c)
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    reps = max(1, int(0.06 / per_call) + 1)
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        times.append((time.perf_counter() - t0) / reps)
    return sorted(times)[3]


def shapes():
    parser = argparse.ArgumentParser(description="OpenBLAS sgemm GFLOP/s through numpy")
    parser.add_argument("--m", type=int)
    parser.add_argument("--n", type=int)
    parser.add_argument("--k", type=int)
    parser.add_argument("--trans", default="NN", choices=["NN", "NT", "TN", "TT"])
    args = parser.parse_args()
    given = [args.m, args.n, args.k]
    if all(x is None for x in given):
        return SHAPES
    if any(x is None or x < 1 for x in given):
        parser.error("give all three of --m, --n and --k as positive sizes, or none for the default shapes")
    return [("custom", args.trans, args.m, args.n, args.k)]


def main():
    rng = np.random.default_rng(42)
    for name, trans, m, n, k in shapes():
        a = operand(rng, trans[0] == "T", m, k)
        b = operand(rng, trans[1] == "T", k, n)
        c = np.empty((m, n), dtype=np.float32)
        seconds = median_seconds(a, b, c)
        print(f"{name:22s} {trans:5s} {m:6d} {n:6d} {k:6d} {seconds * 1e3:10.3f} {2 * m * n * k / seconds / 1e9:9.1f}",
              flush=True)


if __name__ == "__main__":
    main()
