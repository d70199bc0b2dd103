"""Tracking codes: enough randomness, grouped for reading aloud, forgiving of how people type them."""

import math
import re

import pytest

from app.feedback import tracking
from app.feedback.kinds import FEEDBACK_KINDS

CODE_PATTERN = re.compile(r"^(HD|PA|TT|KN|TC)-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")


def test_code_has_at_least_50_random_bits():
    assert len(set(tracking.ALPHABET)) == len(tracking.ALPHABET)
    assert tracking.RANDOM_LENGTH * math.log2(len(tracking.ALPHABET)) >= 50
    assert tracking.RANDOM_BITS >= 50


def test_alphabet_leaves_out_characters_people_confuse():
    assert not set("01OIL") & set(tracking.ALPHABET)
    assert tracking.ALPHABET.isupper() or tracking.ALPHABET.isalnum()


@pytest.mark.parametrize("kind", list(FEEDBACK_KINDS))
def test_code_is_the_kind_prefix_and_three_groups_of_four(kind):
    code = tracking.random_code(kind)
    assert CODE_PATTERN.match(code)
    assert code.startswith(FEEDBACK_KINDS[kind].code_prefix + "-")


def test_codes_do_not_repeat():
    codes = {tracking.random_code("petition") for _ in range(2000)}
    assert len(codes) == 2000


@pytest.mark.parametrize(
    "typed",
    [
        "PA-7K4Q-M2XD-9WTR",
        "pa-7k4q-m2xd-9wtr",
        " pa 7k4q m2xd 9wtr ",
        "PA7K4QM2XD9WTR",
        "pa7k4q-m2xd9wtr",
        "PA–7K4Q–M2XD–9WTR",
    ],
)
def test_typed_codes_are_normalised(typed):
    assert tracking.normalise_code(typed) == "PA-7K4Q-M2XD-9WTR"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "PA-7K4Q-M2XD-9WT",  # one character short
        "PA-7K4Q-M2XD-9WTRR",  # one too many
        "XX-7K4Q-M2XD-9WTR",  # no such kind
        "PA-7K4Q-M2XD-9WT0",  # 0 is never in a code
        "PA-7K4Q-M2XD-9WTO",
        "PA-7K4Q-M2XD-9WTĐ",
        "PA-7K4Q-M2XD-9WT<",
        "x" * 1000,
        None,
    ],
)
def test_malformed_codes_are_not_codes(typed):
    assert tracking.normalise_code(typed) is None


def test_a_collision_draws_again():
    seen = []

    def is_taken(code):
        seen.append(code)
        return len(seen) < 3  # the first two "already exist"

    code = tracking.new_tracking_code("question", is_taken)
    assert len(seen) == 3 and code == seen[-1]


def test_endless_collisions_raise_instead_of_looping():
    with pytest.raises(tracking.TrackingCodeExhausted):
        tracking.new_tracking_code("question", lambda code: True)
