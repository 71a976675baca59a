"""Full-text queries built from what a person typed: words folded, quoted, never syntax."""

import pytest

from app.domain import fulltext


@pytest.mark.parametrize(("typed", "words"), [
    ("Réclamation", ["reclamation"]),
    ("ÉTÉ  été ete", ["ete"]),
    ("jean.dupont@example.org", ["jean", "dupont", "example", "org"]),
    ("l'eau d’hiver", ["l", "eau", "d", "hiver"]),
    ("REC-2026-000123", ["rec", "2026", "000123"]),
    ('NEAR("a" b) OR c* -d e:f ^g', ["near", "a", "b", "or", "c", "d", "e", "f", "g"]),
    ("snake_case", ["snake", "case"]),
    ("\"' * - : ( )", []),
    ("", []),
])
def test_terms(typed, words):
    assert fulltext.terms(typed) == words


@pytest.mark.parametrize(("typed", "fts5", "tsquery"), [
    ("facture", '"facture" *', "'facture':*"),
    ("facture ", '"facture"', "'facture'"),
    ("Facture élevée", '"facture" "elevee" *', "'facture' & 'elevee':*"),
    ("fa", '"fa"', "'fa'"),  # too short to be a prefix: every word starting with "fa"
    ('x" OR "y', '"x" "or" "y"', "'x' & 'or' & 'y'"),
    ("NOT", '"not" *', "'not':*"),
    ("factur* fuite ", '"factur" * "fuite"', "'factur':* & 'fuite'"),
    ("' & | ! :*", None, None),
])
def test_the_quick_search_takes_the_word_being_typed_as_a_prefix(typed, fts5, tsquery):
    assert fulltext.fts5_query(typed, typing=True) == fts5
    assert fulltext.tsquery(typed, typing=True) == tsquery


@pytest.mark.parametrize(("typed", "fts5", "tsquery"), [
    ("facture", '"facture"', "'facture'"),
    ("Facture élevée", '"facture" "elevee"', "'facture' & 'elevee'"),
    ("factur* fuite", '"factur" * "fuite"', "'factur':* & 'fuite'"),
    ("fuite factur*", '"fuite" "factur" *', "'fuite' & 'factur':*"),
    ("fa*", '"fa"', "'fa'"),  # too short to be a prefix
    ("fuite* fuite", '"fuite" *', "'fuite':*"),  # once, a prefix if either is
    ("a:* b*c", '"a" "b" "c"', "'a' & 'b' & 'c'"),
    ('x" OR "y', '"x" "or" "y"', "'x' & 'or' & 'y'"),
    ("' & | ! :*", None, None),
])
def test_the_list_filter_matches_whole_words_and_starred_prefixes(typed, fts5, tsquery):
    assert fulltext.fts5_query(typed) == fts5
    assert fulltext.tsquery(typed) == tsquery


def test_long_queries_are_cut():
    assert len(fulltext.terms(" ".join(f"w{i}" for i in range(50)))) == fulltext.MAX_TERMS


def test_the_folding_table_maps_one_letter_to_one():
    assert len(fulltext.FOLDED_FROM) == len(fulltext.FOLDED_TO)
    assert fulltext.fold("ÀÉÎÕÜÇàéîõüçŒ") == "aeiouçaeiouçœ".replace("ç", "c")


def test_facets_or_each_groups_words_and_and_the_groups():
    facets = fulltext.Facets(any_of=((("team", 3), ("assignee", 8), ("client", 12)),
                                     (("state", 2),)),
                             none_of=(("confidential", True),))
    assert fulltext.facets_fts5(facets) == (
        ' AND facets : ("te3" OR "as8" OR "cl12") AND facets : ("st2")'
        ' NOT facets : ("cf1")')
    assert fulltext.facets_tsquery(facets) == (
        "('#te3' | '#as8' | '#cl12') & ('#st2') & (!'#cf1')")
    assert fulltext.facets_fts5(fulltext.Facets()) == ""
    assert fulltext.facets_tsquery(fulltext.Facets()) is None


def test_the_folding_table_maps_accented_latin_letters_to_their_base_letter():
    sources, targets = fulltext._folding_table()
    assert (sources, targets) == (fulltext.FOLDED_FROM, fulltext.FOLDED_TO)
    assert len(sources) == len(targets) == 245
    pairs = dict(zip(sources, targets, strict=True))
    assert sources[0] == "À" and pairs["À"] == "A"  # U+00C0, where the range starts
    assert (pairs["é"], pairs["ç"], pairs["ÿ"], pairs["ŝ"], pairs["ȳ"]) == (
        "e", "c", "y", "s", "y")
    # Letters that do not fold to one ASCII letter are left alone: Æ, ß, Ø and "ǆ" (dž,
    # which folds to two letters) stay what they are.
    assert not {"Æ", "ß", "Ø", "ǆ", "Ǆ", "×", "÷"} & set(sources)
    assert set(targets) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@pytest.mark.parametrize(("relation", "value", "word"), [
    ("confidential", False, "cf0"),
    ("confidential", True, "cf1"),
    ("team", None, "te0"),
    ("team", 0, "te0"),
    ("state", 7, "st7"),
    ("client", 12345, "cl12345"),
])
def test_facet_word(relation, value, word):
    assert fulltext.facet_word(relation, value) == word


def test_facets_add_up():
    first = fulltext.Facets(any_of=((("team", 1),),), none_of=(("confidential", True),))
    second = fulltext.Facets(any_of=((("state", 2), ("state", 3)),),
                             none_of=(("assignee", 4),))
    assert first + second == fulltext.Facets(
        any_of=((("team", 1),), (("state", 2), ("state", 3))),
        none_of=(("confidential", True), ("assignee", 4)))
    assert fulltext.Facets() + first == first
