"""Reading documents: markdown through markdown-it-py, saved web pages, plain text; what each
construct becomes (issue 13's list of formats that used to go wrong)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from faqbot.authoring.extract import MAX_ANSWER_CHARS, extract_document, find_documents
from faqbot.content.section_kinds import bundled_kinds, kinds_file, load_kinds
from faqbot.errors import DataFileError


def extracted(tmp_path: Path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(textwrap.dedent(text).encode(encoding))
    return extract_document(path)


def questions(document) -> list[str]:
    return [p.question for p in document.pairs]


def answer(document, question: str) -> str:
    return next(p.answer for p in document.pairs if p.question == question)


def test_setext_headings_are_sections_not_one_dump(tmp_path):
    doc = extracted(tmp_path, "leaflet.md", """\
        Package leaflet: information for the patient
        ============================================

        Ibuprofen 200 mg Tablets
        ------------------------

        1. What ibuprofen is and what it is used for
        --------------------------------------------

        Ibuprofen relieves pain.

        3. How to store ibuprofen
        -------------------------

        Keep below 25 degrees.
        """)
    assert doc.subject == "ibuprofen"          # the generic title gives way; strength and form dropped
    assert questions(doc) == ["What is ibuprofen used for?", "How should I store ibuprofen?"]
    assert answer(doc, "How should I store ibuprofen?") == "Keep below 25 degrees."


def test_faq_bullets_with_and_without_q_a_prefixes_and_nested_answers(tmp_path):
    doc = extracted(tmp_path, "drug.md", """\
        # Tealeaf

        ### FAQs

        * **Q: Can I take it at night?** A: Yes, with water.
        * **Is it safe for children?** Only over 12.
        * **What are the forms?**
          * tablets
          * syrup
        """)
    assert [(p.question, p.answer) for p in doc.pairs] == [
        ("Can I take it at night?", "Yes, with water."),
        ("Is it safe for children?", "Only over 12."),
        ("What are the forms?", "- tablets\n- syrup"),
    ]


def test_front_matter_faqs_and_a_bold_question_on_its_own_line(tmp_path):
    doc = extracted(tmp_path, "asthma.md", """\
        ---
        title: "Asthma: a guide"
        faq:
          - question: "Can asthma be cured?"
            answer: "There is no cure, but it can be controlled."
        ---

        # Asthma

        ## Symptoms

        Wheezing and coughing.

        **Can I exercise?**

        Yes, warm up first.
        """)
    pairs = {p.question: (p.answer, p.lines) for p in doc.pairs}
    assert pairs["Can asthma be cured?"] == ("There is no cure, but it can be controlled.", (4, 5))
    assert pairs["What are the symptoms of asthma?"][0] == "Wheezing and coughing."   # not merged with the FAQ
    assert pairs["Can I exercise?"][0] == "Yes, warm up first."


def test_front_matter_faqs_written_with_short_keys(tmp_path):
    """Sites write their front-matter FAQs as {q, a} (or Question/Answer) as often as {question,
    answer}: every entry becomes a pair, none is dropped for its keys."""
    doc = extracted(tmp_path, "hay-fever.md", """\
        ---
        title: Hay fever
        faq:
          - q: Is there a cure for hay fever?
            a: There is no cure, but most people control their symptoms well.
          - Question: Can hay fever give you a high temperature?
            Answer: No. Hay fever does not cause a fever.
        ---

        # Hay fever

        ## Symptoms

        Sneezing and itchy eyes.
        """)
    pairs = {p.question: (p.answer, p.lines) for p in doc.pairs}
    assert pairs["Is there a cure for hay fever?"] == ("There is no cure, but most people control their symptoms well.", (4, 5))
    assert pairs["Can hay fever give you a high temperature?"] == ("No. Hay fever does not cause a fever.", (6, 7))


def test_headings_of_a_setting_or_a_contraction_give_natural_questions(tmp_path):
    """A heading that starts with a preposition is said of the subject ("For depression"); one
    that starts with the subject's name is asked as named; a plural head noun before "to" takes
    "are"; "What it's for" is the uses kind, as "What it is for" is."""
    doc = extracted(tmp_path, "amitriptyline.md", """\
        # Amitriptyline

        ## What it's for

        Amitriptyline treats nerve pain and depression.

        ## For depression

        The usual dose is 50 mg to 100 mg a day.

        ## Amitriptyline for pain

        It changes the way your nerves send pain signals.

        ## Things to avoid with amitriptyline

        Grapefruit juice and alcohol.
        """)
    assert questions(doc) == ["What is amitriptyline used for?", "What should I know about amitriptyline for depression?",
                              "What should I know about amitriptyline for pain?",
                              "What are the things to avoid with amitriptyline?"]


def test_a_title_ending_in_a_dot_and_sub_labels_give_natural_questions(tmp_path):
    doc = extracted(tmp_path, "combo.md", """\
        # Metformin + Voglibose.

        **Dosage:**

        **Adults:** One tablet twice a day.

        **Children:** Not recommended.

        **Precautions:**

        * **Alcohol:** Avoid it.
        * **Kidney problems:** Ask your doctor.
        * **Driving:** Fine.
        """)
    assert doc.subject == "metformin + voglibose"
    assert questions(doc) == [
        "What is the dose of metformin + voglibose for adults?",
        "What is the dose of metformin + voglibose for children?",
        "Can I drink alcohol while taking metformin + voglibose?",
        "Can I take metformin + voglibose if I have kidney problems?",
        "Can I drive while taking metformin + voglibose?",
    ]
    alcohol = next(p for p in doc.pairs if p.section_kind == "alcohol")
    assert "can i have a beer on metformin + voglibose" in alcohol.examples   # lay phrasings of the kind


def test_names_come_from_brand_and_also_known_as_lines(tmp_path):
    doc = extracted(tmp_path, "lev.md", """\
        # Levetiracetam

        Brand names: Keppra, Desitrend
        Also known as: Matever (in some countries). It is an anti-epileptic.

        **Usage:** Epilepsy.
        """)
    assert doc.names == ["Keppra", "Desitrend", "Matever"]


def test_long_sections_become_passages_split_at_lead_ins(tmp_path):
    items = "\n".join(f"* symptom number {n} described at some length to fill the page" for n in range(40))
    doc = extracted(tmp_path, "x.md", f"# Drug\n\n## Side effects\n\nCommon side effects include:\n\n{items}\n\n"
                                      "Serious side effects are rare. Call a doctor if you have:\n\n* a rash\n")
    kinds = [p.section_kind for p in doc.pairs]
    assert "side-effects-common" in kinds and kinds[-1] == "side-effects-serious"
    assert all(len(p.answer) <= MAX_ANSWER_CHARS for p in doc.pairs)
    assert answer(doc, "What are the serious side effects of drug?").endswith("- a rash")


def test_filler_openings_are_not_answers(tmp_path):
    doc = extracted(tmp_path, "blog.txt", """\
        Understanding Gout: A Guide

        Welcome to our blog! Grab a cup of tea and let's get started! Gout is a type of arthritis.

        Symptoms

        Sudden joint pain, often in the big toe.
        """)
    assert answer(doc, "What is gout?") == "Gout is a type of arthritis."


def test_a_saved_web_page(tmp_path):
    doc = extracted(tmp_path, "page.html", """\
        <!DOCTYPE html><html><head><title>Metformin | Pharmacy</title>
        <script>var tracking = "Metformin is sold here";</script><style>p {}</style></head>
        <body><nav><a href="/">Home</a> <a href="/m">Medicines</a></nav>
        <div id="cookie-banner"><p>We use cookies on this website.</p></div>
        <main><h1>Metformin</h1>
        <p class="subtitle">Brand names: Glucophage, Sukkarto SR</p>
        <h2>Side effects</h2>
        <h3>Common side effects</h3>
        <ul><li>feeling <strong>sick</strong></li><li>diarrhoea</li></ul>
        <h2>Precautions</h2>
        <ul><li><strong>Alcohol:</strong> limit it.</li><li><strong>Driving:</strong> fine.</li></ul>
        <h2>How to take it</h2>
        <table><tr><th>Age</th><th>Dose</th></tr><tr><td>Adults</td><td>500 mg</td></tr></table>
        <p class="disclaimer"><em>Disclaimer: not advice.</em></p></main>
        <footer><p>Copyright 2024</p></footer></body></html>
        """)
    assert doc.subject == "metformin" and doc.names == ["Glucophage", "Sukkarto SR", "Sukkarto"]
    everything = " ".join(p.answer for p in doc.pairs)
    assert "tracking" not in everything and "cookies" not in everything and "Home" not in everything
    assert answer(doc, "What are the common side effects of metformin?") == "- feeling sick\n- diarrhoea"
    assert answer(doc, "Can I drink alcohol while taking metformin?") == "Alcohol: limit it."
    assert answer(doc, "How should I take metformin?") == "- Age: Adults; Dose: 500 mg"
    assert doc.disclaimer == ["not advice."]


def test_plain_text_with_heading_like_lines_and_a_byte_order_mark(tmp_path):
    doc = extracted(tmp_path, "notes.txt", "\ufeffHay Fever\n\nHome   Blog   Contact   Shop\n\nCauses\n\n"
                                           "Pollen from grass and trees causes hay fever.\n\nTreatment\n\nAntihistamines help.\n")
    assert doc.title == "Hay Fever"
    assert questions(doc) == ["What causes hay fever?", "How is hay fever treated?"]


SITE_PAGE = """\
    ---
    layout: default
    title: Quinapril
    ---

    # Quinapril

    **Generic Name:** Quinapril (quinapril hydrochloride)

    ### Usage

    Quinapril is used to treat high blood pressure and heart failure.

    ### Side Effects

    Common side effects include a dry cough and dizziness.
    """


def test_a_txt_file_written_in_markdown_is_read_as_markdown(tmp_path):
    # Pages of a medicine site saved as .txt (like the seed documents) are markdown: their front
    # matter, "###" headings and bold labels make the sections, and the title names the subject.
    as_text = extracted(tmp_path, "0001_quinapril.txt", SITE_PAGE)
    as_markdown = extracted(tmp_path, "0001_quinapril.md", SITE_PAGE)
    assert as_text.title == "Quinapril"
    assert questions(as_text) == questions(as_markdown)
    assert [p.answer for p in as_text.pairs] == [p.answer for p in as_markdown.pairs]
    assert "What is quinapril used for?" in questions(as_text)
    assert not any("---" in p.answer or "###" in p.answer for p in as_text.pairs)


def test_a_title_s_closing_parenthesis_is_not_part_of_the_subject(tmp_path):
    doc = extracted(tmp_path, "cocodamol.md", """\
        # Co-codamol (paracetamol + codeine)

        **Uses:**
        Co-codamol is a painkiller for aches and pains.

        **Side effects:**
        Constipation and feeling sleepy are common.
        """)
    assert questions(doc) == ["What is co-codamol used for?", "What are the side effects of co-codamol?"]


def test_plain_text_headings_in_capitals_with_or_without_a_colon(tmp_path):
    doc = extracted(tmp_path, "gout.txt", """\
        GOUT

        WHAT IS GOUT?

        Gout is a type of arthritis that causes sudden attacks of pain in a joint.

        Symptoms of an attack include:
        - a hot, swollen joint
        - red skin over it

        PREVENTING FURTHER ATTACKS:

        Allopurinol lowers the level of urate in your blood, so attacks come back less often.
        """)
    assert doc.title == "Gout"
    assert questions(doc) == ["What is gout?", "How can I prevent gout?"]
    assert "Symptoms of an attack include:" in answer(doc, "What is gout?")


def test_a_passage_saying_the_page_is_no_advice_is_the_disclaimer_not_an_answer(tmp_path):
    doc = extracted(tmp_path, "gout.txt", """\
        Gout
        A patient information leaflet

        This leaflet is for general information only and is not a substitute for advice from your doctor.

        What is gout?

        Gout is a type of arthritis that causes sudden attacks of pain in a joint.
        """)
    assert questions(doc) == ["What is gout?"]
    assert doc.disclaimer == ["This leaflet is for general information only and is not a substitute for "
                              "advice from your doctor."]


@pytest.mark.parametrize("text", ["Gout\n\nWhat is gout?\n\nGout is a type of arthritis.\n",
                                  "My #1 tip: rest.\n\nUse **ice** on the joint.\n"])
def test_plain_text_with_no_markdown_signs_stays_plain_text(text):
    from faqbot.authoring.documents import looks_like_markdown

    assert not looks_like_markdown(text)


def test_a_format_faqbot_cannot_read_is_a_clear_error(tmp_path):
    (tmp_path / "leaflet.pdf").write_bytes(b"%PDF-1.4 text")
    with pytest.raises(DataFileError) as error:
        extract_document(tmp_path / "leaflet.pdf")
    assert str(error.value) == (f"{tmp_path / 'leaflet.pdf'}: cannot read '.pdf' documents "
                                "(faqbot reads .md, .markdown, .html, .htm, .txt)")


def test_extraction_never_follows_a_link_out_of_the_documents_folder(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Root password\n\nhunter2 is the password.\n")
    documents = tmp_path / "docs"
    documents.mkdir()
    (documents / "leaflet.md").write_text("# Tea\n\n**Usage:** Drinking.\n")
    os.symlink(secret, documents / "stolen.txt")
    with pytest.raises(DataFileError) as error:
        find_documents(documents)
    assert str(error.value).startswith(f"{documents / 'stolen.txt'}: is a link to a file outside the documents folder")
    assert "hunter2" not in str(error.value)
    os.unlink(documents / "stolen.txt")
    os.symlink(documents / "leaflet.md", documents / "copy.md")     # a link inside the folder is fine
    assert [p.name for p in find_documents(documents)] == ["copy.md", "leaflet.md"]


def test_the_bundled_section_kinds_load_and_every_answer_kind_asks_about_its_subject():
    kinds = load_kinds(kinds_file())
    answering = [k for k in kinds.kinds if k.role == "answer"]
    assert len(answering) >= 30
    for kind in answering:
        assert "drug" in kind.ask("drug") and kind.phrasings, kind.id
    for facet in ("alcohol", "driving", "pregnancy", "breastfeeding", "kidney", "liver", "allergy", "interactions",
                  "missed-dose", "overdose", "stopping", "storage", "names", "forms", "symptoms", "causes",
                  "diagnosis", "treatment", "prevention", "outlook", "what-it-is", "dosage-children",
                  "dosage-elderly", "side-effects-common", "side-effects-serious", "how-it-works", "uses"):
        assert facet in kinds.by_id


@pytest.mark.parametrize("label, parent, kind", [
    ("Usage", None, "uses"), ("What metformin is used for", None, "uses"), ("If you forget a dose", None, "missed-dose"),
    ("Older people and people with liver problems", "dosage", "dosage-elderly"), ("Adults", "dosage", "dosage-adults"),
    ("Adults", None, None), ("Overview of Current Medical Research", None, None), ("References", None, "noise"),
    ("Pregnancy, breastfeeding and fertility", None, "pregnancy"), ("Symptoms and aura", None, "symptoms"),
    ("Do not stop suddenly", "precautions", "stopping"), ("How long will I need to take it?", None, "duration"),
])
def test_section_kinds_match_labels_in_context(label, parent, kind):
    found = bundled_kinds().match(label, ("metformin",), parent)
    assert (found.id if found else None) == kind


def test_a_kinds_file_with_a_mistake_names_its_line(tmp_path):
    path = tmp_path / "kinds.yaml"
    path.write_text("kinds:\n  - id: uses\n    labels: [usage]\n    question: What is it for?\n")
    with pytest.raises(DataFileError) as error:
        load_kinds(path)
    assert str(error.value) == f"{path}:4: kind 'uses' needs a question naming <s>"
    path.write_text("kinds:\n  - id: uses\n    labels: [usage]\n    question: What is <s> for?\n    cues: used for\n")
    with pytest.raises(DataFileError) as error:
        load_kinds(path)
    assert str(error.value) == f"{path}:5: 'cues' must be a list of text"


def test_brand_names_stated_in_the_text_are_the_subjects_other_names(tmp_path):
    doc = extracted(tmp_path, "paracetamol.txt", """\
        # Paracetamol

        **Generic Name:** Paracetamol (Acetaminophen)

        **Usage:**

        Paracetamol, known as acetaminophen in the United States and Canada, is sold under brand names such as Panadol, Calpol and Tylenol. It eases pain.

        **Precautions:**

        It may interact with blood thinners such as warfarin, sold as Coumadin. It is available as tablets and liquid.
        """)
    # the page's own brands and other name; not another medicine's brand, not a place, not a form
    assert doc.names == ["Acetaminophen", "Panadol", "Calpol", "Tylenol"]


def test_brands_are_read_however_the_page_words_them(tmp_path):
    cases = {
        "Drugx is an antibiotic, known by brand names including Cipro and Ciproxin. It is used for infections.":
            ["Cipro", "Ciproxin"],
        "Drugx is an antiplatelet medicine, also known by the brand name Plavix. It thins the blood.": ["Plavix"],
        "Drugx is an anti-sickness medicine, also known as Zofran. It stops vomiting.": ["Zofran"],
        "It lowers acid. Brand names include Protonix, Protium and Pantoloc. It is used for reflux.":
            ["Protonix", "Protium", "Pantoloc"],
        "It is sold in several countries, particularly India, under brand names such as Pan-D and Pantocid. It works.":
            ["Pan-D", "Pantocid"],
        "Drugx, also known by the brand name Prozac, is an antidepressant.": ["Prozac"],
        "Drugx is an NSAID, like aspirin, sold as Nurofen. It is available as tablets.": [],
        "It relaxes muscles. It is also sold under brand names such as Zerodol-TH and Hifenac-TH. Take it with food.":
            ["Zerodol-TH", "Hifenac-TH"],
        "It is an antibiotic. Brand names include Vibramycin and Vibramycin-D.": ["Vibramycin", "Vibramycin-D"],
        "It relaxes the prostate. Brand names include Flomax, Flomaxtra XL and Contiflo XL.":
            ["Flomax", "Flomaxtra XL", "Flomaxtra", "Contiflo XL", "Contiflo"],
    }
    for number, (sentence, names) in enumerate(cases.items()):
        doc = extracted(tmp_path, f"drug{number}.md", f"# Drugx\n\n**Usage:** {sentence}\n")
        assert doc.names == names, sentence


def test_a_page_titled_by_a_bold_line_is_about_that_medicine(tmp_path):
    doc = extracted(tmp_path, "statin.md", """\
        **Atorvastatin tablets**

        **Generic Name:** atorvastatin (as atorvastatin calcium)

        Also known as: Lipitor

        **Usage:** It lowers cholesterol.
        """)
    assert doc.subject == "atorvastatin" and "Lipitor" in doc.names


def test_with_no_title_the_generic_name_field_names_the_subject(tmp_path):
    doc = extracted(tmp_path, "page.md", """\
        **Generic Name:** Glimepiride

        **Usage:** It lowers blood sugar in type 2 diabetes.

        **Side Effects:** Low blood sugar.
        """)
    assert doc.subject == "glimepiride"


def test_a_medicine_is_named_without_its_form(tmp_path):
    """"Salbutamol inhaler" is salbutamol: patients ask "how many puffs of salbutamol"."""
    doc = extracted(tmp_path, "inhaler.md", "# Salbutamol inhaler\n\n**Usage:** It relieves wheezing.\n")
    assert doc.subject == "salbutamol"


def test_a_combinations_ingredients_are_not_its_other_names(tmp_path):
    doc = extracted(tmp_path, "co.md", """\
        # Paracetamol and Codeine

        **Generic Name:** Paracetamol and Codeine Phosphate (Co-codamol)

        **Usage:** It is sold under brand names such as Solpadol and Kapake.
        """)
    # "Paracetamol" is an ingredient: as a synonym it would send paracetamol questions to this page
    assert doc.names == ["Co-codamol", "Solpadol", "Kapake"]


def test_name_fields_on_consecutive_lines_are_one_passage(tmp_path):
    doc = extracted(tmp_path, "combo.md", """\
        # Co-codamol

        **Generic name:** paracetamol and codeine phosphate
        **Also known as:** Kapake, Solpadol

        **Uses:** Pain that paracetamol alone does not relieve.
        """)
    assert questions(doc) == ["What are the names of co-codamol?", "What is co-codamol used for?"]
    assert answer(doc, "What are the names of co-codamol?") == (
        "Generic name: paracetamol and codeine phosphate\n\nAlso known as: Kapake, Solpadol")
    assert doc.pairs[0].lines == (3, 4)


def test_a_package_leaflet_is_about_the_medicine_its_product_line_names(tmp_path):
    doc = extracted(tmp_path, "leaflet.md", """\
        # Package leaflet: Information for the patient

        **Omeprazole 20 mg gastro-resistant capsules**

        Read all of this leaflet carefully before you start taking this medicine.

        ## 1. What Omeprazole is and what it is used for

        It reduces stomach acid.

        ## 4. Possible side effects

        **Common (may affect up to 1 in 10 people):**

        - headache

        **Uncommon (may affect up to 1 in 100 people):**

        - rash
        """)
    assert doc.subject == "omeprazole"
    # the product line is the title's, no question; the template's "Read all of this leaflet" no answer
    assert questions(doc)[0] == "What is omeprazole used for?"
    assert "What is omeprazole used for?" in questions(doc)
    # a frequency label's bracketed note is not part of the question
    assert "What are the side effects of omeprazole: uncommon?" in questions(doc)


def test_the_standard_leaflet_heading_names_the_medicine_when_nothing_else_does(tmp_path):
    doc = extracted(tmp_path, "leaflet.md", """\
        # Package leaflet: Information for the patient

        ## 1. What Lansoprazole is and what it is used for

        It reduces stomach acid.
        """)
    assert doc.subject == "lansoprazole"


def test_a_passage_that_states_the_dose_answers_dose_questions_when_no_section_does(tmp_path):
    doc = extracted(tmp_path, "drug.txt", """\
        # Tealeaf

        **Usage:**

        Tealeaf treats heartburn. The usual dose is 20 mg once a day, taken in the morning before breakfast.

        **Side Effects:**

        Headache.
        """)
    usage = next(p for p in doc.pairs if p.section_kind == "uses")
    assert "how many tealeaf can i take" in usage.examples       # the dosage kind's phrasings
    assert "when should i take tealeaf" in usage.examples        # and how to take it (before breakfast)


def test_an_faq_about_a_missed_dose_is_the_missed_dose_passage_not_the_dose(tmp_path):
    doc = extracted(tmp_path, "drug.txt", """\
        # Tealeaf

        **Usage:** Tealeaf treats heartburn.

        **FAQs:**

        **What should I do if I miss a dose?**

        Take it as soon as you remember.
        """)
    missed = next(p for p in doc.pairs if p.question == "What should I do if I miss a dose?")
    assert "forgot my tealeaf" in missed.examples
    assert "tealeaf dose" not in missed.examples


def test_a_web_page_faq_written_as_details_and_summary(tmp_path):
    doc = extracted(tmp_path, "guide.html", """\
        <html><body><main><h1>High blood pressure</h1>
        <h2>Frequently asked questions</h2>
        <details><summary>Does stress cause high blood pressure?</summary><p>It can for a short time.</p>
        <ul><li>Sleep well.</li><li><strong>Exercise:</strong> most days.</li></ul></details>
        <details><summary>Can it be cured?</summary><p>Usually not, but it can be controlled.</p></details>
        <details><summary>More about this page</summary><p>Written by nurses.</p></details>
        <p>Ask a pharmacist about anything else.</p>
        </main></body></html>
        """)
    pairs = {p.question: p for p in doc.pairs}
    assert pairs["Does stress cause high blood pressure?"].answer == \
        "It can for a short time.\n\n- Sleep well.\n- Exercise: most days."
    assert pairs["Does stress cause high blood pressure?"].kind == "faq"
    assert pairs["Can it be cured?"].answer == "Usually not, but it can be controlled."
    # the text after a disclosure is not part of its answer; a summary that asks nothing is no FAQ
    assert not any("Ask a pharmacist" in p.answer for p in doc.pairs if p.kind == "faq")
    assert "More about this page" not in pairs


def test_the_package_leaflet_templates_stock_sentences_are_no_answers(tmp_path):
    doc = extracted(tmp_path, "leaflet.md", """\
        # Package leaflet: Information for the patient

        **Omeprazole 20 mg capsules**

        Read all of this leaflet carefully before you start taking this medicine because it contains important information for you.

        - Keep this leaflet. You may need to read it again.
        - If you have any further questions, ask your doctor or pharmacist.
        - Omeprazole is sometimes sold over the counter.

        ## 3. How to take Omeprazole

        Always take this medicine exactly as your doctor or pharmacist has told you.

        **The recommended doses for adults are:**

        - 20 mg once a day.

        **Taking this medicine**

        - Take your capsules in the morning.

        ## 4. Possible side effects

        Like all medicines, this medicine can cause side effects, although not everybody gets them.

        **Common (may affect up to 1 in 10 people):** headache.
        """)
    everything = "\n".join(p.answer for p in doc.pairs)
    for stock in ("Read all of this leaflet", "Keep this leaflet", "further questions", "Always take this medicine",
                  "Like all medicines"):
        assert stock not in everything
    assert "Omeprazole is sometimes sold over the counter." in everything   # the list's own content stays
    pairs = {p.question: p for p in doc.pairs}
    # a section whose own text was only template still asks its question, of its first passage
    assert "What is the usual dose of omeprazole?" in pairs["What is the dose of omeprazole for adults?"].examples
    assert "What are the side effects of omeprazole?" in pairs["What are the common side effects of omeprazole?"].examples
    # the template's own sub-heading "Taking this medicine" is how to take it
    assert pairs["How should I take omeprazole?"].answer == "- Take your capsules in the morning."


def test_a_no_advice_paragraph_is_the_disclaimer_wherever_it_stands(tmp_path):
    doc = extracted(tmp_path, "guide.html", """\
        <html><body><main><h1>Asthma</h1>
        <h2>Symptoms of asthma</h2><p>Wheezing and coughing.</p>
        <h2>Frequently asked questions</h2>
        <details><summary>Can I exercise?</summary><p>Yes, with your inhaler to hand.</p></details>
        <p class="disclaimer">This page is for general information only and is not a substitute for medical advice.</p>
        </main></body></html>
        """)
    assert doc.disclaimer == ["This page is for general information only and is not a substitute for medical advice."]
    assert not any("general information only" in p.answer for p in doc.pairs)
    assert [p.question for p in doc.pairs] == ["What are the symptoms of asthma?", "Can I exercise?"]


def test_a_paragraph_ending_in_a_disclaimer_keeps_its_other_sentences(tmp_path):
    """Only the sentence that says the page is no advice is the disclaimer: the brand names in
    the same paragraph under the title are still an answer (and still the subject's names)."""
    doc = extracted(tmp_path, "amitriptyline.txt", """\
        Amitriptyline tablets: information for patients

        In some countries it is sold under brand names such as Elavil and Endep. This information is a general guide and does not replace advice from your doctor.

        WHAT AMITRIPTYLINE IS USED FOR

        It is used for nerve pain and to prevent migraines.
        """)
    assert doc.disclaimer == ["This information is a general guide and does not replace advice from your doctor."]
    assert any(p.answer == "In some countries it is sold under brand names such as Elavil and Endep." for p in doc.pairs)
    assert {"Elavil", "Endep"} <= set(doc.names)


def test_a_lifestyle_section_is_a_kind_and_drinking_advice_answers_the_alcohol_questions(tmp_path):
    doc = extracted(tmp_path, "guide.md", """\
        # High blood pressure

        ## Causes of high blood pressure

        You are more likely to have it if you drink too much alcohol or smoke.

        ## Lifestyle changes to lower blood pressure

        - Drink no more than 14 units of alcohol a week.
        - Be active most days.
        """)
    pairs = {p.question: p for p in doc.pairs}
    lifestyle = pairs["What lifestyle changes help with high blood pressure?"]
    assert "what can i do to help high blood pressure" in lifestyle.examples
    # the passage that says how much to drink is the one asked "can i drink", not the one naming a
    # cause; a condition guide asks it as a condition ("with"), never as a medicine ("on")
    assert "can i drink with high blood pressure" in lifestyle.examples
    assert "can i drink with high blood pressure" not in pairs["What causes high blood pressure?"].examples
    assert not [e for p in doc.pairs for e in p.examples if "drink on high blood pressure" in e]


def test_headings_no_section_kind_knows_are_asked_as_patients_ask():
    from faqbot.authoring.extract import _generic_question

    asked = {
        ("About salbutamol inhalers", "salbutamol"): "What are salbutamol inhalers?",
        ("Cleaning your inhaler", "salbutamol"): "Salbutamol: how do I clean my inhaler?",
        ("Knowing when it is running out", "salbutamol"): "How do I know when salbutamol is running out?",
        ("Who may not be able to use it", "salbutamol"): "Who may not be able to use salbutamol?",
        ("Living with gout", "gout"): "How do I live with gout?",
        ("Before your EEG", "clinic"): "Clinic: what should I know before my EEG?",
        ("Your INR blood test", "warfarin"): "Warfarin: what should I know about my INR blood test?",
        # a symptom named by an -ing word is no task; introductions keep their own reading
        ("Bleeding gums", "warfarin"): "What are the bleeding gums about warfarin?",
        ("Understanding the risks", "warfarin"): "What are the risks about warfarin?",
    }
    for (heading, subject), question in asked.items():
        assert _generic_question(heading, subject) == question


def test_an_ing_word_is_read_back_to_its_verb():
    from faqbot.language.question import verb_of_activity

    assert [verb_of_activity(w) for w in ["cleaning", "living", "getting", "knowing", "using", "taking",
                                          "stopping", "bleeding", "king", "during"]] == [
        "clean", "live", "get", "know", "use", "take", "stop", "bleed", None, None]
