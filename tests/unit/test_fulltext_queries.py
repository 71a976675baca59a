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
