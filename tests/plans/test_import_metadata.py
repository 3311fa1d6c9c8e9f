"""What a published plan's own text says about its review (helpers.plans.importing.metadata)."""

import pytest

from helpers.plans.importing.metadata import stated


@pytest.mark.parametrize(
    "text, council",
    [
        ("Report to Cabinet of Dorset Council on 5 October 2021.", "Dorset Council"),
        ("Made-up Borough Council: LGA corporate peer challenge action plan", "Made-up Borough Council"),
        ("Stoke-on-Trent City Council responded to the peer team.", "Stoke-on-Trent City Council"),
        ("Bath and North East Somerset Council agreed the plan.", "Bath and North East Somerset Council"),
        ("King's Lynn and West Norfolk Borough Council", "King's Lynn and West Norfolk Borough Council"),
        ("Newcastle upon Tyne City Council", "Newcastle upon Tyne City Council"),
        ("Test Valley Borough Council. Test Valley Borough Council. The Council met.", "Test Valley Borough Council"),
    ],
)
def test_the_council_named_is_read_whole(text, council):
    assert stated(text)["council"] == council


def test_a_document_naming_no_council_gives_none():
    assert stated("The council will review its plan by March 2025.")["council"] == ""
