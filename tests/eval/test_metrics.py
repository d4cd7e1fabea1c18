from truceline.eval.metrics import PRF, haversine_km, match_spans, overlap_ratio, span_prf


def test_overlap_ratio_is_over_the_longer_span():
    assert overlap_ratio((0, 10), (0, 10)) == 1.0
    assert overlap_ratio((0, 10), (5, 10)) == 0.5
    assert overlap_ratio((0, 10), (10, 20)) == 0.0


def test_matching_is_one_to_one_and_respects_threshold():
    gold = [(0, 10), (20, 30)]
    pred = [(0, 9), (1, 10), (25, 40)]
    pairs = match_spans(pred, gold, 0.3)
    assert sorted(j for _, j in pairs) == [0, 1] and len(pairs) == 2
    assert span_prf(pred, gold, 0.8) == PRF(1, 3, 2)
    assert span_prf(pred, gold, 1.0).tp == 0


def test_prf_values():
    m = PRF(2, 4, 5)
    assert (m.precision, m.recall) == (0.5, 0.4)
    assert abs(m.f1 - 0.4444) < 1e-3
    assert PRF(0, 0, 0).f1 == 0.0


def test_haversine_baku_yerevan():
    assert 400 < haversine_km(40.41, 49.87, 40.18, 44.51) < 480
