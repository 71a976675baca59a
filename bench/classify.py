"""Held-out evaluation of the suggested classification (app/services/classification.py):
accuracy and macro-F1, and F1 per category, on four test sets of increasing honesty.

    .venv/bin/python bench/classify.py                  # 4,000 complaints, seed 42
    .venv/bin/python bench/classify.py --complaints 20000 --seed 7

1. templates       the demo loader's texts, split 80/20 at random: every test text's
                   subject and body were also seen in training (an upper bound, not a figure)
2. unseen topics   a third of each category's topics (subject + body) kept out of training
                   entirely: the test texts are phrasings the model never saw
3. perturbed       the unseen topics, with a quarter of the words dropped, a fifth replaced
                   by words of other categories, and typos (letters swapped)
4. hand-written    short texts written for this benchmark, in other words than the
                   templates (trained on every template text)

No database: the texts are the demo's (app/services/demo/texts.py), as the loader builds
them (an opener, the body, a closing formula).
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services.classification import make_pipeline, text_of  # noqa: E402
from app.services.demo import data, texts  # noqa: E402

HAND_WRITTEN = {
    "technical": ["Plus une goutte au robinet depuis ce matin, tout le quartier est à sec.",
                  "La chaussée est inondée, ça jaillit d'une plaque près de l'arrêt de bus.",
                  "Mon disjoncteur saute sans arrêt depuis votre passage sur le réseau.",
                  "Les poubelles débordent, personne n'est passé depuis quinze jours."],
    "billing": ["On me réclame 480 euros pour un studio où je vis seul, c'est absurde.",
                "Vous m'avez débité deux fois la même mensualité, rendez-moi mon argent.",
                "Le montant payé en trop ne m'a jamais été rendu malgré vos promesses.",
                "Pourquoi des frais de retard alors que mon virement est parti le 2 ?"],
    "contractual": ["J'ai vendu la maison en mars, arrêtez mon abonnement s'il vous plaît.",
                    "Le nouveau locataire est toujours enregistré sous mon nom.",
                    "Je voulais payer chaque mois, vous m'avez mis en paiement annuel.",
                    "Mon changement d'adresse n'a jamais été enregistré."],
    "product_quality": ["L'eau sent l'eau de javel, impossible de faire le café avec.",
                        "Des dépôts blancs partout, ma machine à laver est fichue.",
                        "Le liquide qui sort du robinet a un arrière-goût de terre.",
                        "Le conteneur neuf est cassé, le couvercle est parti au vent."],
    "delivery": ["J'ai posé une journée de congé et votre agent n'est jamais arrivé.",
                 "Toujours rien reçu, la commande date pourtant du mois dernier.",
                 "Le remplacement du compteur est repoussé pour la troisième fois.",
                 "Le colis annoncé n'est jamais arrivé chez moi."],
    "customer_service": ["Impossible de joindre quelqu'un, la musique d'attente tourne "
                         "pendant une heure.",
                         "Personne ne répond à mes mails depuis des semaines.",
                         "La conseillère au guichet m'a parlé avec mépris.",
                         "On devait me rappeler demain, j'attends encore."],
    "gbv": ["L'intervenant a fait des remarques sur mon physique et m'a mise mal à l'aise.",
            "Un employé m'a touchée sans mon accord pendant le rendez-vous.",
            "Je veux signaler des propos humiliants sur les femmes tenus par votre agent."],
    "harassment": ["On m'appelle dix fois par jour pour une dette que j'ai déjà payée.",
                   "Votre service de recouvrement me menace et m'intimide par SMS.",
                   "Des relances agressives, même le dimanche, c'est du harcèlement."],
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


def _complaint(rng, subject, body):
    opener, closing = rng.choice(texts.OPENERS), rng.choice(texts.CLOSINGS)
    return text_of(subject, f"{opener}\n\n{body}\n\n{closing}".lstrip())


def _draw(rng, topics_by_category, count):
    """``count`` (text, category) drawn as the demo loader draws them (its weights)."""
    codes = [c for c, w in data.CATEGORY_WEIGHTS.items() for _ in range(w)]
    rows = []
    for _ in range(count):
        code = rng.choice(codes)
        subject, body = rng.choice(topics_by_category[code])
        rows.append((_complaint(rng, subject, body), code))
    return rows


def _perturb(rng, text, vocabulary):
    words = [w for w in text.split() if rng.random() > 0.25]
    words = [rng.choice(vocabulary) if rng.random() < 0.2 else w for w in words]
    typo = []
    for word in words:
        if len(word) > 3 and rng.random() < 0.1:
            i = rng.randrange(len(word) - 1)
            word = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        typo.append(word)
    return " ".join(typo)


def _fit(rows):
    return make_pipeline().fit([text for text, _c in rows], [code for _t, code in rows])


def _score(model, rows):
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    truth = [label for _t, label in rows]
    predicted = model.predict([t for t, _l in rows])
    classes = sorted(set(truth))
    _p, _r, f1s, support = precision_recall_fscore_support(truth, predicted, labels=classes,
                                                           zero_division=0)
    return (accuracy_score(truth, predicted), f1_score(truth, predicted, average="macro",
                                                       zero_division=0),
            dict(zip(classes, zip(f1s, support, strict=True), strict=True)))


def main(argv=None):
    args = parse_args(argv)
    rng = random.Random(args.seed)
    results = {}
    started = time.perf_counter()
    everything = _draw(rng, texts.TOPICS, args.complaints)
    cut = int(0.8 * len(everything))
    results["1 templates"] = _score(_fit(everything[:cut]),
                                    everything[cut:])
    seen, unseen = {}, {}
    for code, topics in texts.TOPICS.items():
        shuffled = rng.sample(topics, len(topics))
        keep = max(1, len(topics) - max(1, len(topics) // 3))
        seen[code], unseen[code] = shuffled[:keep], shuffled[keep:]
    model = _fit(_draw(rng, seen, args.complaints))
    test = _draw(rng, unseen, args.complaints // 4)
    results["2 unseen topics"] = _score(model, test)
    vocabulary = [w for t, _c in test for w in t.split() if len(w) > 3]
    results["3 perturbed"] = _score(model, [(_perturb(rng, t, vocabulary), c)
                                            for t, c in test])
    full = _fit(_draw(rng, texts.TOPICS, args.complaints))
    results["4 hand-written"] = _score(full, [(t, c) for c, ts in HAND_WRITTEN.items()
                                              for t in ts])
    print(f"Suggested classification, {args.complaints:,} demo complaints, seed {args.seed}, "
          f"{time.perf_counter() - started:.1f} s\n")
    print(f"{'test set':<18}{'accuracy':>10}{'macro-F1':>10}")
    for name, (accuracy, macro, _per) in results.items():
        print(f"{name:<18}{accuracy:>10.1%}{macro:>10.1%}")
    for name, (_a, _m, per_class) in results.items():
        print(f"\nF1 per category, {name}")
        for code, (f1, support) in per_class.items():
            print(f"  {code:<18}{f1:>7.1%}  ({support} held out)")


if __name__ == "__main__":
    main()
