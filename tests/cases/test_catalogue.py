import re
from collections import Counter
from collections.abc import Iterable
from fractions import Fraction

import pytest

from tafteesh.cases.catalogue import (
    Act,
    Punishment,
    PunishmentKind,
    Section,
    UnknownSectionError,
    load_catalogue,
    parse_catalogue,
)
from tafteesh.cases.stages import Regime

HEADER = "act,section,short_title,max_punishment,min_punishment_years,equivalent,notes\n"


def citations(sections: Iterable[Section]) -> list[str]:
    return [section.citation for section in sections]


def test_every_row_of_the_packaged_csv_is_loaded() -> None:
    catalogue = load_catalogue()

    assert Counter(section.act for section in catalogue) == {
        Act.IPC: 26,
        Act.BNS: 28,
        Act.ITPA: 10,
        Act.POCSO: 7,
        Act.JJ: 3,
    }
    assert load_catalogue() is catalogue


@pytest.mark.parametrize(
    ("act", "section", "equivalents"),
    [
        (Act.IPC, "370", ["BNS 143"]),
        (Act.BNS, "143", ["IPC 370"]),
        (Act.IPC, "370(2)", ["BNS 143(2)"]),
        (Act.BNS, "143(2)", ["IPC 370(2)"]),
        (Act.IPC, "370A", ["BNS 144"]),
        # IPC 506 was split, and 376DA/376DB merged into BNS 70(2).
        (Act.IPC, "506", ["BNS 351(2)", "BNS 351(3)"]),
        (Act.BNS, "70", ["IPC 376D", "IPC 376DA", "IPC 376DB"]),
        # BNS 64 maps to 376(1)/376(2), which have no rows: IPC 376 answers for both, once.
        (Act.BNS, "64", ["IPC 376"]),
        (Act.IPC, "34", ["BNS 3(5)"]),
        (Act.IPC, "373", ["BNS 99"]),
    ],
)
def test_old_and_new_penal_code_sections_map_both_ways(
    act: Act, section: str, equivalents: list[str]
) -> None:
    catalogue = load_catalogue()

    assert citations(catalogue.equivalent_of(catalogue.get(act, section))) == equivalents


def test_every_equivalent_in_the_csv_resolves_to_a_row() -> None:
    catalogue = load_catalogue()

    for section in catalogue:
        if section.act in (Act.IPC, Act.BNS):
            assert catalogue.equivalent_of(section), section.citation


def test_special_acts_have_no_equivalent_because_both_regimes_share_them() -> None:
    catalogue = load_catalogue()

    assert catalogue.equivalent_of(catalogue.get(Act.ITPA, "5")) == ()
    assert catalogue.equivalent_of(catalogue.get(Act.POCSO, "6")) == ()


@pytest.mark.parametrize(
    ("act", "section", "maximum", "minimum", "spelt"),
    [
        (Act.IPC, "376AB", Punishment.death(), Fraction(20), "death"),
        (Act.POCSO, "6", Punishment.death(), Fraction(20), "death"),
        (Act.IPC, "370", Punishment.life(), Fraction(7), "life imprisonment"),
        (Act.BNS, "70(2)", Punishment.death(), None, "death"),
        (Act.IPC, "366", Punishment.term(10), None, "10 years"),
        (Act.BNS, "99", Punishment.term(14), Fraction(7), "14 years"),
        (Act.BNS, "115(2)", Punishment.term(1), None, "1 year"),
        (Act.ITPA, "7(1)", Punishment.term(Fraction(1, 4)), None, "3 months"),
        (Act.ITPA, "7(2)", Punishment.term(Fraction(1, 2)), None, "6 months"),
    ],
)
def test_punishments_are_read_as_death_life_or_exact_years(
    act: Act, section: str, maximum: Punishment, minimum: Fraction | None, spelt: str
) -> None:
    row = load_catalogue().get(act, section)

    assert row.max_punishment == maximum
    assert row.min_punishment_years == minimum
    assert str(row.max_punishment) == spelt


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("death", Punishment(PunishmentKind.DEATH)),
        (" Life ", Punishment(PunishmentKind.LIFE)),
        ("0.25", Punishment(PunishmentKind.YEARS, Fraction(1, 4))),
        ("7", Punishment(PunishmentKind.YEARS, Fraction(7))),
        ("", None),
    ],
)
def test_punishment_cells_parse(text: str, expected: Punishment | None) -> None:
    assert Punishment.parse(text) == expected


@pytest.mark.parametrize("text", ["ten", "0", "-1", "life-ish"])
def test_nonsense_punishment_cells_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="."):
        Punishment.parse(text)


def test_severity_orders_death_above_life_above_any_term() -> None:
    ordered = sorted(
        [
            Punishment.term(14),
            Punishment.death(),
            Punishment.term(Fraction(1, 4)),
            Punishment.life(),
        ],
        key=lambda punishment: punishment.severity,
    )

    assert [str(p) for p in ordered] == ["3 months", "14 years", "life imprisonment", "death"]


@pytest.mark.parametrize(
    ("act", "section"),
    [(Act.IPC, "34"), (Act.IPC, "120B"), (Act.BNS, "3(5)"), (Act.BNS, "61(2)"), (Act.POCSO, "17")],
)
def test_derivative_provisions_have_no_punishment_of_their_own(act: Act, section: str) -> None:
    row = load_catalogue().get(act, section)

    assert row.is_derivative
    assert row.max_punishment is None
    assert row.min_punishment_years is None


def test_a_sub_section_without_a_row_takes_its_sections_values_but_keeps_its_citation() -> None:
    catalogue = load_catalogue()

    child_victim = catalogue.get(Act.IPC, "370(4)")

    assert child_victim.citation == "IPC 370(4)"
    assert child_victim.inherited_from == "370"
    assert child_victim.max_punishment == Punishment.life()
    assert child_victim.sub_sections == ()
    # A sub-section with its own, lower row is not replaced by the section's row.
    assert catalogue.get(Act.IPC, "370(2)").max_punishment == Punishment.term(10)
    assert catalogue.get(Act.IPC, "370(2)").inherited_from is None


def test_a_section_knows_its_sub_sections_with_a_lower_maximum() -> None:
    catalogue = load_catalogue()

    assert citations(catalogue.get(Act.IPC, "370").sub_sections) == ["IPC 370(2)"]
    assert citations(catalogue.get(Act.ITPA, "7").sub_sections) == [
        "ITPA 7(1)",
        "ITPA 7(1A)",
        "ITPA 7(2)",
    ]
    assert catalogue.get(Act.IPC, "376AB").sub_sections == ()


def test_citations_are_normalised_before_lookup() -> None:
    catalogue = load_catalogue()

    assert catalogue.get(Act.IPC, " 370 a ").citation == "IPC 370A"
    assert catalogue.get(Act.BNS, "143 (2)").citation == "BNS 143(2)"


@pytest.mark.parametrize(
    ("act", "section"),
    # BNS 127 has no section-level row (127(2) and 127(4) are the citation forms).
    [(Act.IPC, "999"), (Act.BNS, "127(3)"), (Act.POCSO, "370")],
)
def test_unknown_sections_are_reported_by_citation(act: Act, section: str) -> None:
    with pytest.raises(UnknownSectionError, match=re.escape(f"{act} {section} is not in")):
        load_catalogue().get(act, section)


def test_each_regime_gets_its_own_penal_code_and_both_get_the_special_acts() -> None:
    catalogue = load_catalogue()

    old = {section.act for section in catalogue.for_regime(Regime.OLD_CODES)}
    new = {section.act for section in catalogue.for_regime(Regime.NEW_CODES)}

    assert old == {Act.IPC, Act.ITPA, Act.POCSO, Act.JJ}
    assert new == {Act.BNS, Act.ITPA, Act.POCSO, Act.JJ}
    assert len(catalogue.for_regime(Regime.NEW_CODES)) == 28 + 10 + 7 + 3


def test_rows_without_a_source_are_marked_unconfirmed() -> None:
    catalogue = load_catalogue()

    assert catalogue.get(Act.ITPA, "8").unconfirmed
    assert catalogue.get(Act.POCSO, "14").unconfirmed
    assert not catalogue.get(Act.ITPA, "6").unconfirmed


def test_a_bad_row_names_its_line() -> None:
    text = HEADER + "IPC,323,Hurt,1,,115(2),\nIPC,324,Hurt by weapon,three,,118(1),\n"

    with pytest.raises(ValueError, match="line 3"):
        parse_catalogue(text)


def test_a_duplicated_row_is_refused() -> None:
    text = HEADER + "IPC,323,Hurt,1,,115(2),\nIPC, 323 ,Hurt again,1,,115(2),\n"

    with pytest.raises(ValueError, match="IPC 323 appears twice"):
        parse_catalogue(text)


def test_an_unknown_act_is_refused() -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_catalogue(HEADER + "CrPC,167,Remand,,,,\n")
