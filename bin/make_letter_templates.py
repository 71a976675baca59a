"""Regenerate the default letter templates in ``doc_templates/`` (DOCX, French and English).

    .venv/bin/python bin/make_letter_templates.py

Each placeholder is written in a run of its own, so docxtpl reads it whole. The names
come from ``app.domain.letters.PLACEHOLDERS``.
"""

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "doc_templates"
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)

TEXTS = {
    "fr": {
        "date": "Le {{ date }}",
        "ref": "Réf. : ",
        "subject": "Objet : ",
        "greeting": "Madame, Monsieur,",
        "closing": "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos "
                   "salutations distinguées.",
        "team": "Service Réclamations",
        "footer": "{{ organisation_name }} — réclamation {{ tracking_number }}",
    },
    "en": {
        "date": "{{ date }}",
        "ref": "Ref.: ",
        "subject": "Subject: ",
        "greeting": "Dear {{ complainant_name }},",
        "closing": "Yours faithfully,",
        "team": "Complaints department",
        "footer": "{{ organisation_name }} — complaint {{ tracking_number }}",
    },
}

LETTERS = {
    ("acknowledgement", "fr"): ("accuse_de_reception_fr.docx",
        "Accusé de réception de votre réclamation — {{ subject }}", [
        "Nous avons bien reçu, le {{ received_date }}, votre réclamation, enregistrée sous "
        "la référence {{ tracking_number }}, et nous vous remercions de nous l'avoir "
        "signalée.",
        "Elle est en cours d'examen par nos services. Nous reviendrons vers vous dans les "
        "meilleurs délais. Merci de rappeler cette référence dans tout échange avec nous.",
    ]),
    ("answer", "fr"): ("lettre_de_reponse_fr.docx",
        "Réponse à votre réclamation — {{ subject }}", [
        "Vous nous avez fait part, le {{ received_date }}, de votre réclamation enregistrée "
        "sous la référence {{ tracking_number }}. Après examen attentif de votre dossier, "
        "voici notre réponse :",
        "{{ resolution }}",
        "Nous restons à votre disposition pour toute information complémentaire.",
    ]),
    ("closure", "fr"): ("lettre_de_cloture_fr.docx",
        "Clôture de votre réclamation — {{ subject }}", [
        "Nous vous informons que votre réclamation enregistrée le {{ received_date }} sous "
        "la référence {{ tracking_number }} est désormais clôturée.",
        "{{ resolution }}",
        "Si vous estimez que votre demande n'a pas été entièrement traitée, vous pouvez "
        "nous contacter en rappelant cette référence.",
    ]),
    ("acknowledgement", "en"): ("acknowledgement_of_receipt_en.docx",
        "Acknowledgement of your complaint — {{ subject }}", [
        "We received your complaint on {{ received_date }}. It has been registered under "
        "the reference {{ tracking_number }}, and we thank you for bringing it to our "
        "attention.",
        "Our team is looking into it and will come back to you as soon as possible. Please "
        "quote this reference in any correspondence with us.",
    ]),
    ("answer", "en"): ("answer_letter_en.docx",
        "Answer to your complaint — {{ subject }}", [
        "On {{ received_date }} you sent us a complaint, registered under the reference "
        "{{ tracking_number }}. Having carefully reviewed your case, here is our answer:",
        "{{ resolution }}",
        "Please do not hesitate to contact us should you need any further information.",
    ]),
    ("closure", "en"): ("closure_letter_en.docx",
        "Closure of your complaint — {{ subject }}", [
        "We are writing to let you know that your complaint of {{ received_date }}, "
        "reference {{ tracking_number }}, is now closed.",
        "{{ resolution }}",
        "If you feel that your request has not been fully addressed, please contact us "
        "quoting this reference.",
    ]),
}


def paragraph(doc, text="", bold=False, size=None, align=None, space_after=6, color=None):
    para = doc.add_paragraph()
    para.paragraph_format.space_after = Pt(space_after)
    if align is not None:
        para.alignment = align
    run = para.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return para


def letterhead(doc):
    # The logo (Configuration → Letterhead logo): the paragraph goes when there is none.
    paragraph(doc, "{%p if logo %}", space_after=0)
    paragraph(doc, "{{ logo }}", space_after=6)
    paragraph(doc, "{%p endif %}", space_after=0)
    paragraph(doc, "{{ organisation_name }}", bold=True, size=16, space_after=0, color=ACCENT)
    paragraph(doc, "{{ organisation_address }}", size=9, space_after=24)


def recipient(doc, texts):
    right = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph(doc, "{{ complainant_name }}", bold=True, align=right, space_after=0)
    paragraph(doc, "{{ complainant_address }}", align=right, space_after=18)
    paragraph(doc, texts["date"], align=right, space_after=18)


def reference(doc, texts, subject):
    para = paragraph(doc, texts["ref"], bold=True, space_after=0)
    para.add_run("{{ tracking_number }}")
    para = paragraph(doc, texts["subject"], bold=True, space_after=18)
    para.add_run(subject).bold = True


def body(doc, texts, paragraphs):
    paragraph(doc, texts["greeting"], space_after=12)
    for text in paragraphs:
        if text == "{{ resolution }}":
            # docxtpl paragraph tags: the paragraph disappears when there is no resolution.
            paragraph(doc, "{%p if resolution %}", space_after=0)
            paragraph(doc, text, space_after=10).paragraph_format.left_indent = Cm(1)
            paragraph(doc, "{%p endif %}", space_after=0)
        else:
            para = paragraph(doc, text, space_after=10)
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph(doc, texts["closing"], space_after=30)


def signature(doc, texts):
    paragraph(doc, "{{ agent_name }}", bold=True, space_after=0)
    paragraph(doc, texts["team"], space_after=0)
    paragraph(doc, "{{ organisation_name }}", space_after=0)


def footer(doc, texts):
    para = doc.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(texts["footer"])
    run.font.size = Pt(8)


def build(purpose, language):
    filename, subject, paragraphs = LETTERS[(purpose, language)]
    texts = TEXTS[language]
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Calibri", Pt(11)
    letterhead(doc)
    recipient(doc, texts)
    reference(doc, texts, subject)
    body(doc, texts, paragraphs)
    signature(doc, texts)
    footer(doc, texts)
    doc.core_properties.title = subject.split(" — ")[0]
    doc.core_properties.author = "Réclamations"
    path = OUT / filename
    doc.save(path)
    return path


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for purpose, language in LETTERS:
        print(build(purpose, language).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
