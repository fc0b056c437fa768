// scoop-bench: the benchmark runner of BENCHMARKS.md (see Commands/ScoopBench.swift).
await ScoopBench.start()
