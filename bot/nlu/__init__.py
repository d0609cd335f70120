"""Rasa NLU components wrapping :mod:`bot.text` (referenced from ``config.yml``).

* :class:`~bot.nlu.language_detector.LanguageDetector` - adds ``language`` to the parse data.
* :class:`~bot.nlu.lemma_tokenizer.LemmaTokenizer` - spaCy tokens with folded lemmas.
* :class:`~bot.nlu.entity_rules.EntityRules` - rule-based ``order_ref``, ``ticket``, ``email``,
  ``phone`` and ``amount`` entities.
* :class:`~bot.nlu.praise.PraiseOverComplaint` - ``praise`` before a staff complaint when the
  message only praises.
* :class:`~bot.nlu.gibberish.NothingToUnderstand` - ``nlu_fallback`` for messages without a
  meaningful known word.

Use the full class path in the pipeline, e.g.
``- name: bot.nlu.language_detector.LanguageDetector``.
"""
