"""Event coding: parsed sentences and their actors -> PLOVER events with CAMEO codes.

Takes the reading stage's parse, mentions and actors; gives :class:`truceline.model.Event`
records (type, mode, context, CAMEO code, source/target actors with codes, date, place,
modality and claimant), each with the sentence that is its evidence.
"""
