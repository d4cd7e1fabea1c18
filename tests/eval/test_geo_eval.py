"""GeoWebNews-style scoring on a tiny hand-made file."""

from __future__ import annotations

import math

import pytest

from truceline.eval.geo import MAX_KM, auc, read_gold, score

TEXT = "Officials in Paris met envoys from Yerevan. Kittens are Cute."
# Paris 13-18, Yerevan 35-42, Cute 56-60 (a gold toponym no system should find)
XML = f"""<?xml version="1.0" ?>
<articles>
  <article file="0">
    <text>{TEXT}</text>
    <toponyms>
      <toponym><extractedName>Paris</extractedName><type>Literal</type><start>13</start><end>18</end>
        <geonamesID>2988507</geonamesID><latitude>48.85341</latitude><longitude>2.3488</longitude></toponym>
      <toponym><extractedName>Yerevan</extractedName><type>Metonymic</type><start>35</start><end>42</end>
        <geonamesID /><latitude>0.0</latitude><longitude>0.0</longitude></toponym>
      <toponym><extractedName>Cute</extractedName><type>Literal</type><start>56</start><end>60</end>
        <latitude>10.0</latitude><longitude>10.0</longitude></toponym>
      <toponym><extractedName>Kittens</extractedName><type>Non_Lit_Expression</type><start>44</start><end>51</end></toponym>
    </toponyms>
  </article>
</articles>
"""


def test_reader_keeps_georeferenced_toponyms(tmp_path):
    p = tmp_path / "gwn.xml"
    p.write_text(XML, encoding="utf-8")
    (text, tops), = read_gold(p)
    assert text == TEXT
    assert [(t.name, t.start, t.end) for t in tops] == [("Paris", 13, 18), ("Yerevan", 35, 42), ("Cute", 56, 60)]
    assert tops[0].geonames_id == 2988507


def test_reader_lgl_attribute_variant(tmp_path):
    p = tmp_path / "lgl.xml"
    p.write_text(
        '<articles><article docid="1"><text>Rain in Paris.</text><toponyms>'
        '<toponym><start>8</start><end>13</end><gaztag geonameid="2988507"><name>Paris</name>'
        "<lat>48.85</lat><lon>2.35</lon></gaztag><phrase>Paris</phrase></toponym>"
        "</toponyms></article></articles>",
        encoding="utf-8",
    )
    (_, tops), = read_gold(p)
    assert (tops[0].start, tops[0].end, tops[0].lat, tops[0].geonames_id) == (8, 13, 48.85, 2988507)


def test_auc_bounds():
    assert auc([0.0]) == 0.0
    assert auc([MAX_KM]) == pytest.approx(1.0)
    assert auc([0.0, MAX_KM]) == pytest.approx(0.5)


def test_score_is_hand_computable(tmp_path):
    p = tmp_path / "gwn.xml"
    p.write_text(XML, encoding="utf-8")
    r = score(p)
    # predicted Paris and Yerevan exactly; gold has 3 toponyms: P = 2/2, R = 2/3
    assert r["n_gold"] == 3
    assert r["toponym_precision"] == pytest.approx(1.0)
    assert r["toponym_recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert r["toponym_f1"] == pytest.approx(0.8, abs=1e-4)
    # Paris is right (error ~0 km); the gold "Yerevan" was put at (0, 0), ~4,600 km off
    assert r["acc_at_161km"] == pytest.approx(0.5)
    assert r["median_error_km"] > 2000
    err = 4600.0
    assert r["auc"] == pytest.approx(math.log1p(err) / math.log1p(MAX_KM) / 2, abs=0.02)
