"""Tooling outside the product package: benchmarks, evaluation, soak and test stacks."""
