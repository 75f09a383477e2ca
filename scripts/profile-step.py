#!/usr/bin/env python3
"""Splits the training step's time by kernel from a JFR recording of a lodi run.

Record (any lodi command that trains), then split:

    LODI_JAVA_OPTS="-XX:StartFlightRecording=filename=step.jfr,settings=profile" ./lodi train ...
    python3 scripts/profile-step.py step.jfr

Only execution samples taken inside TrainingStep.run count (evaluation, data loading and checkpoints are left
out). A sample is charged to the first lodi kernel class found walking down its stack from the top; samples in
the thread pool's wait loop count as "waiting for the other thread". Garbage collection pauses are reported
beside the samples (they stop every thread, so they are time on top of the samples' split).
"""
import collections
import json
import subprocess
import sys

# first matching class (or class prefix) on the stack, top down -> category
CATEGORIES = [
    ("lodi.tensor.PackedGemm", "GEMM"), ("lodi.tensor.Gemm", "GEMM"), ("lodi.tensor.GemmSchedule", "GEMM"),
    ("lodi.tensor.Attention", "attention"),
    ("lodi.tensor.LayerNormKernel", "LayerNorm"),
    ("lodi.tensor.Activations", "GELU"),
    ("lodi.tensor.CrossEntropy", "softmax / cross-entropy"), ("lodi.tensor.Softmax", "softmax / cross-entropy"),
    ("lodi.tensor.EmbeddingKernel", "embedding"),
    ("lodi.tensor.OptimizerKernels", "optimizer"), ("lodi.autograd.optim", "optimizer"),
    ("lodi.tensor.DropoutKernel", "dropout"),
    ("lodi.tensor.WorkerPool", "waiting for the other thread"),
    ("lodi.tensor.VectorOps", "elementwise and sums"), ("lodi.tensor.Sums", "elementwise and sums"),
    ("lodi.tensor.TensorCopy", "copies and zeroing"), ("lodi.tensor.Tensor", "copies and zeroing"),
    ("java.util.Arrays", "copies and zeroing"), ("java.lang.System", "copies and zeroing"),
]


def category(frames):
    for frame in frames:
        name = frame["method"]["type"]["name"].replace("/", ".")
        for prefix, label in CATEGORIES:
            if name.startswith(prefix):
                return label
    top = frames[0]["method"]["type"]["name"].replace("/", ".") if frames else "?"
    return "other (" + top.rsplit(".", 1)[-1] + ")"


def in_step(frames):
    return any(f["method"]["type"]["name"].replace("/", ".") == "lodi.model.training.TrainingStep"
               and f["method"]["name"] == "run" for f in frames)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: profile-step.py RECORDING.jfr")
    raw = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events",
                          "jdk.ExecutionSample,jdk.GarbageCollection", sys.argv[1]],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(raw)["recording"]["events"]
    samples = [(e["values"]["startTime"], e["values"]["stackTrace"]["frames"] if e["values"]["stackTrace"] else [])
               for e in events if e["type"] == "jdk.ExecutionSample"]
    # the calling thread's samples inside TrainingStep.run; the pool's worker runs the same steps' tasks, so its
    # samples between the first and the last step sample count too (evaluation runs after the last step)
    steps = [(time, frames) for time, frames in samples if in_step(frames)]
    if not steps:
        sys.exit("no sample inside TrainingStep.run: was the recording made while lodi trained?")
    first, last = min(t for t, _ in steps), max(t for t, _ in steps)
    workers = [(time, frames) for time, frames in samples
               if first <= time <= last and not in_step(frames) and on_worker(frames)]
    counts = collections.Counter(category(frames) for _, frames in steps + workers)
    gc_ms = sum(parse_ms(e["values"]["sumOfPauses"]) for e in events
                if e["type"] == "jdk.GarbageCollection" and first <= e["values"]["startTime"] <= last)
    total = sum(counts.values())
    print(f"{total} samples in training steps ({len(steps)} on the calling thread, {len(workers)} on the worker)")
    print(f"{'where':<32} {'share':>7}")
    for label, n in counts.most_common():
        print(f"{label:<32} {100.0 * n / total:6.1f}%")
    print(f"garbage collection pauses between the first and the last step: {gc_ms:.0f} ms")


def on_worker(frames):
    return any(f["method"]["type"]["name"].replace("/", ".").startswith("lodi.tensor.WorkerPool") for f in frames)


def parse_ms(value):
    """A JFR JSON duration ("PT0.039186015S", ISO 8601) in milliseconds."""
    seconds = value.removeprefix("PT").removesuffix("S")
    if "M" in seconds:
        minutes, seconds = seconds.split("M")
        return (60 * float(minutes) + float(seconds)) * 1000
    return float(seconds) * 1000


if __name__ == "__main__":
    main()
