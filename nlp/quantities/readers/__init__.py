"""The readers ``nlp.quantities.scanner._Reader.read`` runs, in order, over one ``_Reading``.

Each reads one kind of thing around a number and fills in the reading; one that finds the
number is no limit returns the position the scan goes on from (see ``state._Stop``):

- :mod:`.before`: the number itself (a power of ten, a sign), the names glued to it, the scale
  keyword and the comparator before it;
- :mod:`.after`: the unit after it, a range end or open upper limit, a reference limit, a
  titre, a blood-pressure pair, a score maximum, the comparator after it;
- :mod:`.measure`: the measure named before it, by a scale keyword, or by an instrument after;
- :mod:`.kind`: its kind (age, gestational age, count, score, titre, stage...) and the numbers
  that are no limit;
- :mod:`.build`: the span, and the quantities built from the reading.
"""
