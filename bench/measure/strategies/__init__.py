"""One module per strategy, named as :data:`bench.vocabulary.STRATEGIES` names it; each registers its executor.

Guest code: standard library only.  :func:`bench.measure.strategy.make_executor`
imports a strategy's module when a cell first needs it.
"""
