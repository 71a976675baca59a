"""The French typography rule (app/domain/typography.py): what it fixes, what it leaves."""

import pytest

from app.domain.typography import NBSP, fix_french, french_problems

N = NBSP


@pytest.mark.parametrize("text, python_format, expected", [
    ("État : %(state)s", True, f"État{N}: %(state)s"),
    ("État: %(state)s", True, f"État{N}: %(state)s"),
    ("État\u202f: %(state)s", True, f"État{N}: %(state)s"),
    ("Supprimer ce fichier ?", False, f"Supprimer ce fichier{N}?"),
    ("Merci!", False, f"Merci{N}!"),
    ("Taux 90 %", False, f"Taux 90{N}%"),
    ("%(n)s %%", True, f"%(n)s{N}%%"),
    ("« %(name)s » est vide.", True, f"«{N}%(name)s{N}» est vide."),
    ("«x»", False, f"«{N}x{N}»"),
    ("%(field)s : %(error)s", True, f"%(field)s{N}: %(error)s"),
    ("Vraiment ?!", False, f"Vraiment{N}?!"),
])
def test_fixes(text, python_format, expected):
    assert fix_french(text, python_format) == expected
    assert french_problems(text, python_format)
    assert not french_problems(expected, python_format)


@pytest.mark.parametrize("text, python_format", [
    ("Heure locale, AAAA-MM-JJ HH:MM", False),
    ("Rendez-vous à 10:30", False),
    ("Voir https://exemple.fr/suivi?numero=1&x=2 pour le détail", False),
    ("Écrivez à mailto:contact@exemple.fr", False),
    ("%(count)d réclamations", True),
    ("%(ratio).1f fois", True),
    ("un jeton (Authorization: Bearer …)", False),
    ("/complaints/list/?page=2", False),
    ("a != b", False),
    (f"Déjà bon{N}: oui{N}? 90{N}%{N}!", False),
    ("", False),
])
def test_leaves_alone(text, python_format):
    assert fix_french(text, python_format) == text
    assert french_problems(text, python_format) == []
