"""Speaker attribution: a sieve of rules (no model) that gives each quote a speaker; `sieve.attribute` is its entry,
`thresholds` names its windows and ratios, `gender` is the one gender guesser.
"""
