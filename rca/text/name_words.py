"""The words `rca.text.redact` tells names by: first names (on their own, or only beside a
surname or a cue when they are also ordinary words), capitalised words that are never a name,
words of places, and the English word list (spaCy's lookup tables) that says a capitalised word
is an ordinary one.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

__all__ = [
    "ALL_NAMES",
    "AMBIGUOUS_NAMES",
    "FIRST_NAMES",
    "NOT_NAMES",
    "PLACE_WORDS",
    "english_words",
    "lemma_lookup",
    "misspelt",
    "one_edit",
    "spacy_stop_words",
    "verb_forms",
]

# First names matched on their own wherever capitalised.
FIRST_NAMES = frozenset(
    """
Aaliyah Aaron Abdul Abdullah Abigail Adam Adeola Adrian Ahmed Aidan Aisha Alan Alana Alex Alexander
Alexandra Ali Alice Alison Amanda Amelia Amina Amir Amy Andrea Andrew Andy Angela Anita Ann Anna Anne
Annette Anthony Antonio Anya Arjun Arthur Ashley Ayesha Barbara Barry Beatrice Becky Ben Benjamin
Bernard Beryl Beth Bethany Betty Beverley Bola Brenda Brian Bridget Bukola Callum Cameron Carl Carla
Carlos Caroline Catherine Charles Charlie Charlotte Chantelle Chidi Chloe Chris Christine Christopher
Claire Clare Colin Connor Craig Daniel Danielle Darren Dave David Deborah Debbie Declan Denise Dennis
Derek Desmond Diane Dominic Donna Doreen Doris Dorothy Duncan Dylan Edward Eileen Elaine Eleanor
Elena Elizabeth Ella Ellie Emily Emma Eric Ethan Fatima Fiona Francesca Gareth Gary Gemma Geoffrey
George Georgina Gillian Glenn Gordon Graham Gregory Hamza Hannah Harold Harry Hassan Hayley Heather
Helen Henry Hussein Ian Imran Irene Isaac Isabel Isabella Isla Jacob James Jamie Jane Janet Jason Jean
Jennifer Jenny Jeremy Jessica Joan Joanne Joe Joel John Jonathan Jo Joseph Joshua Josh Judith Julia
Julie Justin Kai Karen Karim Kate Katherine Kathleen Katie Keith Kelly Kenneth Kerry Kevin Khadija
Kieran Kirsty Kwame Lakshmi Laura Lauren Leah Lee Leanne Leo Leon Lesley Liam Linda Lindsey Lisa
Lorraine Louise Lucy Luke Lynn Maisie Malcolm Manuel Marcus Margaret Maria Marie Marion Martin Mary
Matthew Maureen Megan Melanie Michael Michelle Mohammed Mohammad Muhammad Mo Monica Nadia Naomi
Natalia Natalie Natasha Neil Nicholas Nicola Nigel Noah Norman Oliver Olivia Oscar Patricia Paul
Paula Pauline Peter Philip Phillip Pradeep Priya Rachel Rahul Rajesh Ravi Rebecca Richard Ricky Rita
Robert Roger Ronald Rosemary Ruth Ryan Sadia Sally Samantha Samuel Sandra Sarah Scott Sean Shabana
Shanice Sharon Shaun Sheila Shirley Simon Sinead Sophie Stacey Stephanie Stephen Steve Steven Stuart
Susan Suzanne Tanya Teresa Thomas Timothy Tina Toby Tom Tony Tracey Tracy Tunde Tyler Valerie Vanessa
Vincent Wayne Wendy William Winston Yasmin Yusuf Zainab Zara Zoe Dan Ken Kenny Bev Shaz Brendan Jasmine
Agnieszka Piotr Tomasz Katarzyna Marek Oluwaseun Emeka Ngozi Funmilayo Kofi Abena Tariq Bilal Omar
Sana Rukhsana Nasreen Parveen Gurpreet Harpreet Sunita Anil Deepak Kiran Vijay Sanjay Hui Wei Mei
Agnes Albert Alfred Alistair Allan Amanda Angus Annie Archie Audrey Barbara Bernadette Bertie Brandon
Bradley Brett Bryony Caitlin Carole Carolyn Cathy Cecilia Cheryl Christina Cindy Clifford Connie Cyril
Dale Damian Danny Darius Davina Deirdre Delroy Dennis Diana Dolores Donald Donovan Douglas Edith Edna
Edwin Elsie Emmanuel Ernest Esther Ethel Eunice Evelyn Fay Felicity Florence Freddie Gail Gavin Gerald
Geraldine Gertrude Gilbert Gladys Glenda Gloria Godfrey Gwen Harriet Harvey Hilary Howard Hugh Imogen
Ingrid Ivan Jacqueline Jackie Janice Jasmin Jayden Jeanette Jemma Jill Jim Jimmy Joanna Jodie Johnny
Josephine Joyce Julian Karl Kathryn Kayleigh Kayla Keeley Kelvin Kerry Kim Kirsten Kyle Lance Lara
Lawrence Leroy Leslie Lewis Lilian Lloyd Lorna Louis Lydia Lynda Lynne Mabel Mandy Marcia Marjorie
Marlene Martha Mavis Maxine Michaela Mildred Millie Mohamed Morris Muriel Nathan Nathaniel Nicky Nina
Nora Noreen Norma Oluwadamilare Owen Pamela Patrick Peggy Penelope Percy Phoebe Phyllis Rachael Ralph
Raymond Reece Reggie Rhys Rhiannon Rodney Roisin Rosie Ross Roy Russell Sadie Sandy Shane Shannon
Sharon Shelley Sherry Sidney Siobhan Sonia Stanley Stella Sylvia Tammy Terence Terry Theresa Tim
Tracie Trevor Troy Una Vera Vernon Veronica Vivian Vivienne Walter Warren Wilfred Yvonne Yolanda
Abdi Abdirahman Adebayo Adewale Akua Ama Amit Asif Ayodele Babajide Chinedu Chukwuemeka Efua Farah
Faisal Fatuma Halima Ifeoma Jamal Kareem Kemi Khalid Layla Mariam Nikhil Nkechi Obinna Olumide Rashid
Reza Saeed Samira Shamima Shazia Sultana Tanvir Temitope Usman Yaw Zahra Zoltan Andrzej Bogdan Dorota
Ewa Krzysztof Magdalena Mihai Nikolai Olga Pawel Stefan Svetlana Vasile Yusuf Zofia
""".split()
)
# Names that are also ordinary words: only with a surname or a cue.
AMBIGUOUS_NAMES = frozenset(
    """
Grace Joy Hope Faith Dawn Rose Ruby Holly Amber Summer Mark Will Bill Pat Sue Frank Ray Jack Guy Miles
Dean Carol Eve Iris Ivy Hazel Violet Olive Jade Crystal Daisy Poppy Lily Heath Jay Rob Sam Max Angel
Sky Chase Hunter Ginger Tiffany Penny Norman
""".split()
)
ALL_NAMES = FIRST_NAMES | AMBIGUOUS_NAMES
# Capitalised words that are never taken as a name after a cue.
NOT_NAMES = frozenset(
    """
The A An I We My Our Your His Her Their This That It He She They You Me Us Is Was Are Am Be And Or But
If When Then So To From For With On In At By Of As No Not Yes Please Thanks Thank Regards Dear Hi Hello
Council Councils Borough Services Service Customer Team Housing Highways Planning Parking Waste Revenues
Benefits Department Dept Officer Manager Mayor Sir Madam Sirs All Bin Bins Man Men Flat Block Room
Apartment Estate Civic Centre Street Road Ombudsman Adult Social Care Children Childrens Stage Ward
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
August September October November December Christmas Easter Ltd Limited Homes Contact Resident Residents
Tenant Tenants Landlord Complaint Complaints Blue Badge Freedom Pass Tax Environmental Health School
EHC SEND GP MP NHS ASB PCN DWP HMRC OK Ok Sorry Still Again Also Just Nobody Somebody Someone Everyone
Anyone Noone None Mum Dad Mother Father Son Daughter Team Teams Hospital Surgery Police
Mr Mrs Ms Miss Mx Dr Prof Cllr Councillor Dame Lord Lady Rev Nurse Only Then Now Today There Here
Psychiatrist Practitioner Consultant Specialist Worker Matron Sister Doctor Nurses Doctors Staff
""".split()
)
PLACE_WORDS = frozenset(
    "Road Street Avenue Lane Close Drive Court Crescent Place Way Gardens Grove Terrace Hill Park Square "
    "House Estate School Hospital Centre Station Council Homes Library Surgery Tower Lodge Green".split()
)


@lru_cache(maxsize=1)
def _lemma_tables() -> tuple[dict, dict, dict]:
    """spaCy's English lemma index, lookup and exception tables; empty when spacy-lookups-data is missing."""
    import gzip
    import json
    from importlib import resources

    def read(name: str) -> dict:
        return json.loads(gzip.decompress(data.joinpath(name).read_bytes()))

    try:
        data = resources.files("spacy_lookups_data").joinpath("data")
        return read("en_lemma_index.json.gz"), read("en_lemma_lookup.json.gz"), read("en_lemma_exc.json.gz")
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return {}, {}, {}  # without the word list only known first names close a text


def lemma_lookup() -> dict[str, str]:
    """spaCy's English lookup lemmas ("were" -> "be"), read from spacy-lookups-data without importing spaCy
    (whose import pulls in thinc and, where installed, torch); empty when the package is missing."""
    return _lemma_tables()[1]


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """English words and their inflections (spaCy's lookup tables), loaded on first use."""
    index, lookup, _ = _lemma_tables()
    words: set[str] = set(lookup)
    for lemmas in index.values():
        words.update(lemmas)
    return frozenset(words)


@lru_cache(maxsize=1)
def verb_forms() -> frozenset[str]:
    """Past tenses and participles, irregular ("said", "rang", "fell") or in -ed ("phoned", "scared"):
    a word that is one is no surname after a first name, and makes "will" before it a name ("my son
    will rang")."""
    _, lookup, exceptions = _lemma_tables()
    irregular = {form for form, lemmas in exceptions.get("verb", {}).items() if form not in lemmas}
    regular = {w for w, lemma in lookup.items() if w.endswith("ed") and not w.endswith("eed") and lemma != w and len(w) > 4}
    return frozenset(irregular | regular)


@lru_cache(maxsize=1)
def spacy_stop_words() -> frozenset[str]:
    """spaCy's English stop words ("anything", "whereas"), which its lookup tables leave out.

    Read from spaCy's own word-list file without importing spaCy (whose import pulls in thinc and,
    where installed, torch: seconds a redaction does not need)."""
    import importlib.util
    import runpy

    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    path = Path(spec.submodule_search_locations[0]) / "lang" / "en" / "stop_words.py"
    return frozenset(runpy.run_path(str(path))["STOP_WORDS"])


def one_edit(low: str) -> set[str]:
    """Every string one letter a-z away from `low`: one dropped, changed or added, or two neighbours swapped
    (Norvig's spelling corrector; `low` itself may be among them)."""
    splits = [(low[:i], low[i:]) for i in range(len(low) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + c + b[1:] for a, b in splits if b for c in string.ascii_lowercase}
        | {a + c + b for a, b in splits for c in string.ascii_lowercase}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    )


def misspelt(low: str, english: frozenset[str]) -> bool:
    """A long word one letter away from an English word of its length or more ("comunication",
    "nothiing", "reponse"): a slip of the keyboard, not a name. Short words are left alone: many first
    names are one letter from a word (Kelly, belly)."""
    if len(low) < 7:
        return False
    return any(w in english for w in one_edit(low) if len(w) >= 7 and w != low)
