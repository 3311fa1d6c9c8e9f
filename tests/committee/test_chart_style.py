"""The charts' house style: contrast, and a colour and a pattern for each status.

Check what the charts draw and say, not merely that they run. Expected values are worked out by hand from the
frames built here.
"""

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from chart_checks import STATUS_IDS, _status_chart
from matplotlib.colors import to_hex
from matplotlib.text import Text

from helpers.committee import chart_style, theme_charts


def _all_text_contrasts(chart, skip=()):
    fig = chart.figure
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip() or text in skip:
            continue
        patch = text.get_bbox_patch()
        background = to_hex(patch.get_facecolor()) if patch is not None else chart_style.BACKGROUND
        yield text.get_text(), chart_style.contrast_ratio(to_hex(text.get_color()), background)


# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
DEUTERANOPIA = np.array(
    [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
)


PROTANOPIA = np.array(
    [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
)


def _linear(hex_colour):
    rgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb):
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear_rgb
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_contrast_ratio_matches_known_wcag_values():
    assert chart_style.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert chart_style.contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert chart_style.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # just fails AA
    assert chart_style.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # just passes AA
    assert chart_style.contrast_ratio("#123456", "#123456") == pytest.approx(1.0)


def test_every_fill_gets_a_text_colour_of_at_least_4_5_to_1():
    fills = [s.colour for s in chart_style.STATUS_STYLES.values()] + [
        chart_style.RECORDED_STYLE.colour,
        chart_style.EMPTY_CELL,
    ]
    fills += [to_hex(chart_style.HEATMAP(v)) for v in np.linspace(0, 1, 101)]
    for fill in fills:
        assert chart_style.contrast_ratio(chart_style.text_colour_on(fill), fill) >= 4.5, fill


def test_all_other_text_is_at_least_4_5_to_1_on_white():
    matrix = pd.DataFrame({"Review A": [16, 0], "Review B": [2, 1]}, index=["Finance", "Housing"])
    heat = theme_charts.theme_heatmap(matrix, matrix > 10)
    for text, ratio in _all_text_contrasts(_status_chart()):
        assert ratio >= 4.5, text
    # Heatmap cell labels sit on their cell's colour: test_heatmap_cell_labels_contrast_with_their_cell.
    for chart in (heat, theme_charts.lead_theme_heatmap(matrix)):
        for text, ratio in _all_text_contrasts(chart, skip=set(chart.figure.axes[0].texts)):
            assert ratio >= 4.5, text


def test_each_status_id_has_a_colour_and_a_distinct_pattern():
    assert list(chart_style.STATUS_STYLES) == STATUS_IDS
    hatches = [s.hatch for s in chart_style.STATUS_STYLES.values()]
    assert len(set(hatches)) == len(hatches)
    assert set(chart_style.DATA_GAPS) == {"incomplete-source", "not-transcribed"}
    for gap in chart_style.DATA_GAPS:
        style = chart_style.STATUS_STYLES[gap]
        assert style.hatch and _lab(_linear(style.colour))[0] > 88  # white or very light, hatched
        assert chart_style.contrast_ratio(chart_style.GAP_EDGE, "#ffffff") >= 4.5  # dark edge


@pytest.mark.parametrize("vision", ["normal", "deuteranopia", "protanopia"])
def test_status_colours_stay_apart_under_colour_blindness(vision):
    matrix = {"normal": np.eye(3), "deuteranopia": DEUTERANOPIA, "protanopia": PROTANOPIA}[vision]
    lab = {s: _lab(np.clip(matrix @ _linear(c), 0, 1)) for s, c in chart_style.STATUS_COLOURS.items()}
    for a, b in itertools.combinations(lab, 2):  # every status can appear in the same chart
        assert np.linalg.norm(lab[a] - lab[b]) >= 15, (vision, a, b)  # CIELAB delta E (CIE76)


def test_status_colours_stay_apart_in_greyscale():
    lightness = {s: _lab(_linear(c))[0] for s, c in chart_style.STATUS_COLOURS.items()}
    for a, b in itertools.combinations(lightness, 2):
        assert abs(lightness[a] - lightness[b]) >= 8, (a, b, lightness[a], lightness[b])
    # A printer's simple greyscale (Rec. 601 luma on the encoded values) keeps them apart too.
    luma = {
        s: 0.299 * int(c[1:3], 16) + 0.587 * int(c[3:5], 16) + 0.114 * int(c[5:7], 16)
        for s, c in chart_style.STATUS_COLOURS.items()
    }
    for a, b in itertools.combinations(luma, 2):
        assert abs(luma[a] - luma[b]) >= 12, (a, b)  # of 255


def test_a_chart_drawn_without_the_fallback_fonts_installed_warns_of_nothing(caplog):
    import logging

    from chart_checks import _status_chart

    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        _status_chart()._repr_html_()
    assert not [r for r in caplog.records if "findfont" in r.getMessage()], caplog.text
    # Another missing font is still reported: only the fallbacks the SVG names are expected to be missing.
    record = logging.LogRecord(
        "matplotlib.font_manager", logging.WARNING, "", 0, "findfont: Font family 'Comic' not found.", None, None
    )
    assert all(f.filter(record) for f in logging.getLogger("matplotlib.font_manager").filters)
