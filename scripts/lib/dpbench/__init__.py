"""Synthetic packages of any size (`synth`) and the benchmarks that measure the tools on them
(`bench`: speed against peers; `hostile`: SECURITY.md's promises under attack)."""
