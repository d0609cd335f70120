"""Word lists of the escalation policy and the small matcher that applies them.

Every list is written in *folded* form (see :func:`bot.text.fold.fold`): lower-case ASCII, Cyrillic
transliterated, ``č ć š ž`` written ``c c s z`` and ``đ`` written ``dj``. One entry therefore
covers ``povređen``, ``povredjen``, ``povreden`` and ``повређен``. Customers who type ``đ`` as a
plain ``d`` are covered by stems (``povred*``) or by explicit ``d`` spellings (``nadreden*``).

Pattern syntax (one entry is one phrase, words separated by spaces):

* ``word``      the exact word;
* ``stem*``     any word starting with ``stem`` (``otrov*`` matches ``otrovan``, ``otrovala``);
* ``a|b*|c``    any of the alternatives (for one word: ``a|b c`` is "a c" or "b c");
* ``word?``     an optional word (alternatives allowed: ``mi|me?``);
* ``..``        up to three arbitrary words; ``..5`` up to five.

Lexicons marked ``fuzzy`` also forgive one typo (a wrong, missing, extra or swapped letter) in
single words of seven letters or more: ``advoakt`` is read as ``advokat``, ``ekspoldirao`` as
``eksplodir*``. The last letter of a stem must match, so ``eksploatacija`` is not ``eksploz*``,
and so must the first letter, so ``dvokatni`` (two-storey) is not ``advokat``. Real words that
are still one typo away from a listed word (``pozicija`` / ``policij*``, ``povezao`` /
``porezao``) are listed as exclusions.

Phrases never match across clauses: a text is split into clauses at punctuation and at words
such as "but" / "ali", so "nobody was hurt, but the kettle exploded" keeps the explosion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.text.fold import fold

# --------------------------------------------------------------------------------------------
# The matcher
# --------------------------------------------------------------------------------------------

#: Punctuation that ends a clause.
_CLAUSE_PUNCTUATION = re.compile(r"[.!?;:,\n\r\t\u2026()\[\]\"“”„«»]+|\s[-–—]+\s")
#: Words that start a new clause (en: but / however / although; BCS: ali / međutim / iako / mada).
_CLAUSE_WORDS = frozenset(
    {"but", "however", "although", "though", "ali", "medjutim", "iako", "mada"}
)
_TOKEN = re.compile(r"[a-z0-9]+")
_NOT_CONTRACTION = re.compile(r"n['’]t\b")


@dataclass(frozen=True)
class Prepared:
    """A message folded and split into clauses of word tokens."""

    clauses: tuple[tuple[str, ...], ...]


def prepare(text: str) -> Prepared:
    """Fold ``text``, expand "n't" to " not" and split it into clauses of tokens."""
    folded = _NOT_CONTRACTION.sub(" not", fold(text))
    clauses: list[tuple[str, ...]] = []
    for chunk in _CLAUSE_PUNCTUATION.split(folded):
        current: list[str] = []
        for token in _TOKEN.findall(chunk):
            if token in _CLAUSE_WORDS:
                if current:
                    clauses.append(tuple(current))
                current = []
            else:
                current.append(token)
        if current:
            clauses.append(tuple(current))
    return Prepared(clauses=tuple(clauses))


@dataclass(frozen=True)
class Hit:
    """One match of a lexicon phrase: where it is and the folded words it covers."""

    pattern: str
    clause: int
    start: int
    end: int
    words: tuple[str, ...]
    #: For a typo forgiven by a fuzzy lexicon: the word it was read as.
    read_as: str | None = None

    @property
    def phrase(self) -> str:
        return " ".join(self.words)

    @property
    def shown(self) -> str:
        """The phrase in quotes, with the word it was read as when it had a typo."""
        return f"'{self.phrase}'" + (f" (read as '{self.read_as}')" if self.read_as else "")

    @property
    def indexes(self) -> range:
        """The positions of the matched words in their clause."""
        return range(self.start, self.end)


def _word_regex(word: str) -> str:
    alternatives = []
    for alternative in word.split("|"):
        if alternative.endswith("*"):
            alternatives.append(re.escape(alternative[:-1]) + "[a-z0-9]*")
        else:
            alternatives.append(re.escape(alternative))
    return "(?:" + "|".join(alternatives) + ")"


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Turn one pattern (see the module docstring) into a regular expression over a clause."""
    words = pattern.split()
    if not words or words[-1].startswith("..") or words[-1].endswith("?"):
        raise ValueError(f"a pattern must end with a required word: {pattern!r}")
    body = ""
    for word in words:
        if word.startswith(".."):
            limit = int(word[2:] or 3)
            body += f"(?:[a-z0-9]+ ){{0,{limit}}}"
        elif word.endswith("?"):
            body += "(?:" + _word_regex(word[:-1]) + " )?"
        else:
            body += _word_regex(word) + " "
    return re.compile("(?<= )" + body[:-1] + "(?= )")


#: Words (or stems) shorter than this are never matched with a typo.
MIN_FUZZY_LENGTH = 7


def within_one_edit(first: str, second: str) -> bool:
    """Whether one substitution, insertion, deletion or swap of neighbours turns one into the
    other."""
    if first == second:
        return True
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        diffs = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and first[i] == second[j] and first[j] == second[i]
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _fuzzy_word(token: str, alternative: str) -> bool:
    """Whether ``token`` is ``alternative`` (a word or a ``stem*``) with at most one typo; the
    first letter must be right."""
    if token[:1] != alternative[:1]:
        return False
    if not alternative.endswith("*"):
        return within_one_edit(token, alternative)
    stem = alternative[:-1]
    for size in (len(stem) - 1, len(stem), len(stem) + 1):
        prefix = token[:size]
        if len(prefix) == size and prefix[-1] == stem[-1] and within_one_edit(prefix, stem):
            return True
    return False


class Lexicon:
    """A list of phrase patterns, with optional exclusions that cancel overlapping matches."""

    def __init__(
        self, patterns: Iterable[str], exclude: Iterable[str] = (), fuzzy: bool = False
    ) -> None:
        self.patterns = tuple(patterns)
        self._compiled = tuple((p, compile_pattern(p)) for p in self.patterns)
        self._excluded = tuple(compile_pattern(p) for p in exclude)
        self._fuzzy = tuple(
            (pattern, alternative)
            for pattern in (self.patterns if fuzzy else ())
            if " " not in pattern
            for alternative in pattern.split("|")
            if len(alternative.rstrip("*")) >= MIN_FUZZY_LENGTH
        )

    def find(self, prepared: Prepared) -> list[Hit]:
        """Every match in ``prepared``, in text order, minus those inside an exclusion."""
        hits: list[Hit] = []
        for index, tokens in enumerate(prepared.clauses):
            padded = " " + " ".join(tokens) + " "
            blocked = [_token_span(padded, m) for rx in self._excluded for m in rx.finditer(padded)]
            for pattern, regex in self._compiled:
                for match in regex.finditer(padded):
                    start, end = _token_span(padded, match)
                    if any(b_start <= start and end <= b_end for b_start, b_end in blocked):
                        continue
                    hits.append(Hit(pattern, index, start, end, tokens[start:end]))
            hits.extend(self._typos(index, tokens, {hit.start for hit in hits}, blocked))
        hits.sort(key=lambda hit: (hit.clause, hit.start, -hit.end))
        return _drop_nested(hits)

    def _typos(
        self,
        clause: int,
        tokens: tuple[str, ...],
        matched: set[int],
        blocked: list[tuple[int, int]],
    ) -> list[Hit]:
        """Single words that match an alternative of this lexicon up to one typo."""
        hits: list[Hit] = []
        for position, token in enumerate(tokens):
            if position in matched or len(token) < MIN_FUZZY_LENGTH - 1:
                continue
            if any(b_start <= position < b_end for b_start, b_end in blocked):
                continue
            for pattern, alternative in self._fuzzy:
                if _fuzzy_word(token, alternative):
                    read_as = alternative.rstrip("*")
                    hits.append(Hit(pattern, clause, position, position + 1, (token,), read_as))
                    break
        return hits

    def search(self, words: Iterable[str]) -> bool:
        """Whether any pattern occurs in the given run of words (one clause)."""
        padded = " " + " ".join(words) + " "
        return any(regex.search(padded) for _, regex in self._compiled)


def _token_span(padded: str, match: re.Match[str]) -> tuple[int, int]:
    start = padded.count(" ", 0, match.start()) - 1
    return start, start + len(match.group().split())


def _drop_nested(hits: list[Hit]) -> list[Hit]:
    """Keep the longest of overlapping matches, so "food poisoning" is not also "poisoning"."""
    kept: list[Hit] = []
    for hit in hits:
        if kept and kept[-1].clause == hit.clause and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def negated(prepared: Prepared, hit: Hit, negations: Lexicon, window: int = 3) -> bool:
    """Whether a negation from ``negations`` occurs in the ``window`` words before ``hit``."""
    tokens = prepared.clauses[hit.clause]
    return negations.search(tokens[max(0, hit.start - window) : hit.start])


def find_affirmed(
    prepared: Prepared, lexicon: Lexicon, negations: Lexicon, window: int = 3
) -> list[Hit]:
    """The matches of ``lexicon`` that are not negated."""
    return [hit for hit in lexicon.find(prepared) if not negated(prepared, hit, negations, window)]


# --------------------------------------------------------------------------------------------
# Negation
# --------------------------------------------------------------------------------------------

#: Plain negation before a health/safety or emotion word: "nobody was hurt",
#: "nitko nije ozlijeđen", "niko nije povređen", "I'm not angry".
PLAIN_NEGATIONS = Lexicon(
    [
        # en ("n't" is expanded to "not" before matching)
        "no|not|never|nobody|noone|none|nothing|without|neither|nor",
        "dont|didnt|doesnt|wasnt|werent|isnt|arent|havent|hasnt|hadnt|cant|wont|couldnt",
        # BCS: nije / nisu / nisam, ne, bez, nema, niko (sr, bs) / nitko (hr), ništa, nijedan
        "nije|nisu|nisam|nismo|niste|nisi|ne|ni|nit|nema|nemamo|bez",
        "niko|nitko|nikoga|nikog|nikome|nikom|nista|nijedan|nijedna|nijedno|nikakv*",
    ]
)

#: Negation of a *wish*: "I don't want a refund", "ne trebam povrat novca", "umjesto povrata".
#: A bare "not" is not enough: "I still have not got my refund" is about money.
WISH_NEGATIONS = Lexicon(
    [
        # en
        "not|no|never|dont .. want|need|asking|ask|looking|interested|expect|expecting",
        "no need",
        "instead of",
        "rather than",
        # BCS: ne želim / ne trebam (hr) / ne treba mi / ne tražim / ne očekujem / ne zanima me,
        # nije mi potreban, neću, nemojte, umjesto (hr, bs) / umesto (sr), nema potrebe
        "ne|nisam|nije|nismo .. trebam|treba|trebaju|trebamo|zelim|zelimo|trazim|trazimo|ocekujem",
        "ne|nisam|nije|nismo .. zanima|interesuje|interesira|potreban|potrebna|potrebno|hocu",
        "necu|necemo|nemojte|nemoj|umjesto|umesto",
        "nema potrebe",
    ]
)

# --------------------------------------------------------------------------------------------
# Escalation lexicons, one per reason
# --------------------------------------------------------------------------------------------

SAFETY = Lexicon(
    [
        # en: illness and poisoning
        "sick|ill|unwell|nausea*|nauseous|vomit*|diarrh*|poison*|allerg*|anaphyla*|rash",
        "food poison*",
        "threw|throw|throwing up",
        # en: medical help
        "hospital*|ambulance|doctor|doctors|paramedic*",
        "the|in|to er",
        "emergency room|department|services",
        # en: fire, burns, explosions, electricity
        "burn|burns|burned|burnt|burning|scald*|flames|smoke|sparks|sparking|explod*|explosion",
        "caught|on fire",
        "fire hazard",
        "blew up",
        "electric shock*",
        "electrocut*",
        "shocked me|him|her|my",
        "short circuit*",
        "overheat*|melted|melting|swollen|swelled|bulging",
        # en: injuries
        "injur*|hurt|bleed*|bleeding|blood|choke|choked|choking",
        "cut myself|himself|herself|themselves",
        "cut my|his|her|their finger*|hand|hands|lip|lips|mouth|tongue|foot|feet|leg|arm",
        # en: foreign bodies, danger (mouldy or sour food with nobody harmed is spoiled, a
        # product-quality complaint: docs/categories.md)
        "glass in",
        "piece|pieces|bits|shard|shards of glass",
        "shard|shards|maggot*|cockroach*",
        "worm|worms in",
        "dangerous|unsafe|hazard|hazardous",
        # BCS (hr/sr/bs): poisoning, illness, nausea, vomiting (povratiti), diarrhoea
        "otrov*|trovanj*|bolest*|bolesn*|razbol*|mucnin*",
        "povrac*|ispovrac*|povratio|povratila|povratili|povratilo|bljuv*",
        "proljev|proljeva|proliv|proliva|dijare*",
        # BCS: allergy, rash, hospital, ambulance (hitna pomoć / na hitnoj), urgentni centar (sr)
        "alergi*|anafila*|osip|osipa|bolnic*|urgentn*",
        "hitn* pomoc*|sluzb*",
        "na hitnoj|hitnu",
        "zva*|pozva* .. hitnu",
        "doktor*|ljekar*|lekar*|lijecnik*|lecnik*",
        # BCS: burns (opekao, opeklina, opečen), burned out (izgorio), fire, smoke, sparks
        "opek*|opec*|izgor*|zapali*|pozar*|vatr*|plamen*|dim|dimi|dimilo|dimio|dimila",
        "iskre|iskri|iskrilo|iskrio|varnic*",
        # BCS: explosion, electric shock (strujni udar, udarila me struja), short circuit
        "eksplodir*|eksploz*",
        # BCS: overheating (pregrijati hr, bs / pregrejati sr), melting, a swollen battery
        "pregrij*|pregrej*|pregrijava*|pregreva*|istopi*|rastopi*|nabubri*|napuhn*",
        "strujn* udar*",
        "udar* .. struj*",
        "struj* .. udar*",
        "kratk* spoj*",
        # BCS: injuries: ozlijediti (hr), ozlediti (sr), povrijediti (hr, bs), povrediti (sr)
        "ozlijed*|ozljed*|ozled*|povrijed*|povred*|povrjed*",
        # BCS: cuts, blood, choking
        "posjekao|posjekla|posjekli|posjekotin*|posekao|posekla|posekli|posekotin*",
        "porezao|porezala|porezali|porezalo",
        "krv|krvi|krvari*|gusio|gusila|gusenj*|zagrcn*",
        # BCS: glass in food, worms (mould with nobody harmed is spoiled food, not a danger)
        "stakl* u",
        "komad*|komadic* stakl*",
        "krhotin*",
        "crv|crvi|crva|crvima",
        "opasn*",
    ],
    exclude=[
        # sr: povraćaj (novca) is a refund, not vomiting
        "povracaj|povracaja|povracaju|povracajem",
        # en: idioms that are not about health
        "sick of|and",
        "sick to death",
        "burn|burned|burnt out",
        "ill fitting|fitted|advised|mannered",
        "hurt my|our feelings|business|reputation",
        # BCS: "vatreni" (fiery) and "vatrostalni" (ovenproof) are not fire
        "vatren*|vatrostaln*",
        # Real words one typo away from a safety word (see the fuzzy matching above).
        # en: spelled / smelled (swelled), cooking (choking), sparkling (sparking), blending
        # (bleeding), meeting (melting), overeating (overheat) ...
        "spelled|smelled|shelled|cooking|sparkling|sparing|sparring|blending|breeding|meeting|"
        "meetings|meting|melding|malting|molting|overeat*|bugging|budging|bulking|burying|"
        "burping|burring",
        # BCS: porez (tax) and povezati (connect) are not porezati (cut); potratiti (waste),
        # poticaj, posrijedi, predgrijati (preheat), preljev (dressing), proljeće (spring),
        # travanj (April), trgovanje, iskrsnuti, ozlojeđen (annoyed), ekspozitura (branch),
        # prekriti (cover)
        "poreza|porezno|porezah|povez*|poredao|poredala|poredali|poredalo|potezao|potezala|"
        "potezali|potezalo|posezao|posezala|posezali|posezalo|posegao|posegla|posegli|"
        "pocekao|porekao|porekla|porekli|potekao|potekla|potekli",
        "potrati*|poprati*|povratn*|povratima|posrijedi|predgr*|preljev*|priljev*|prilijev*|"
        "prolil*|proziv*|priliv*|propliv*|proljec*|travanj*|trgovanj*|iskrsl*|iskrcil*|iskral*|"
        "ozlojed*|ekspozicij*|ekspozit*|prekri*",
    ],
    fuzzy=True,
)

LEGAL = Lexicon(
    [
        # en
        "lawyer*|attorney*|solicitor*|barrister*|sue|sues|suing|sued|lawsuit*|litigation",
        "court|courts|legal|ombudsman*|inspection*|inspector*|regulator*|authorities",
        # en: "police" only with English words around it: in BCS "police" are shelves ("fali
        # jedan dio police")
        "the|call|calling|called|contact|contacting|inform|involve|involving|notify|local police",
        "report|reporting|reported|go|going|went|take|taking ..3 police",
        "police report|station|officer|officers|department|complaint|case|investigation",
        "small claims",
        "consumer protection|rights",
        "consumer .. association|organisation|organization|authority|agency|office|council",
        "trading standards",
        # BCS: advokat (sr, bs, also hr), odvjetnik (hr), tužba / tužiti, sud, pravni koraci
        "advokat*|odvjetni*|tuzb*|tuzi*|tuzic*",
        "pravn* zastupni*",
        "sud|suda|sudu|sudom|sudsk*",
        "pravn* korak*|koraci|koracima|put*|mjer*|mer*|postup*|sredstv*|zastit*",
        # BCS: inspekcija (tržišna, sanitarna), zaštita potrošača, udruga (hr) / udruženje
        # (sr, bs) potrošača, ombudsman, pravobranitelj (hr), zaštitnik građana (sr), policija
        "inspekcij*|inspektor*|inspektorat*|ombudsman*|pravobranitelj*|policij*",
        "trzisn*|sanitarn* inspekcij*",
        "zastit* potrosac*",
        "udrug*|udruzenj* .. potrosac*",
        "potrosack* centar*",
        "zastitnik* gradjana|gradana",
        "nadlezn* institucij*|organ*|sluzb*|tijel*|tel|tela|telima|telu",
    ],
    exclude=[
        "legal guarantee|warranty",
        # BCS words one typo away from a legal word: pozicija (position) and polucija are not
        # policija
        "pozicij*|polucij*",
        # BCS: "sud" is also a dish: vatrostalni sud, sud za pečenje
        "vatrostaln*|staklen*|keramick*|plastican|plasticn*|metaln*|emajlir*|zemljan* "
        "sud|suda|sudu|sudom",
        "sud|suda|sudu|sudom za pecenje|kuhanje|kuvanje|hranu|vodu|rernu|pecnicu|mikrovalnu",
    ],
    fuzzy=True,
)

#: People a customer asks for, for the exclusions of :data:`HUMAN_REQUEST`.
_PEOPLE_EN = (
    "human*|person|people|agent*|manager*|supervisor*|representative*|operator*|someone|"
    "somebody|boss|employee*|staff"
)
_PEOPLE_BCS = (
    "covjek*|covek*|coek*|osob*|nekim|nekog|nekoga|operater*|agent*|sef|sefa|sefom|sefu|"
    "sefic*|menadzer*|menedzer*|nadredjen*|nadreden*|poslovod*|zaposlen*|djelatnik*|radnik*|"
    "direktor*|sluzbenik*"
)
#: Past participles of asking for or talking to someone ("pitala sam za poslovođu") ...
_PAST_ASKING_BCS = (
    "pitao|pitala|pitali|pitale|upitao|upitala|upitali|trazio|trazila|trazili|trazile|"
    "zatrazio|zatrazila|zatrazili|zvao|zvala|zvali|pozvao|pozvala|pozvali|razgovarao|"
    "razgovarala|razgovarali|pricao|pricala|pricali|govorio|govorila|govorili|obratio|obratila|"
    "obratili|bio|bila|bili|bile|htio|htjela|htjeli|hteo|htela|hteli|zelio|zeljela|zelela|zelila"
)
#: ... with the auxiliary that makes them a past tense ("tražila bih šefa" is a request now).
_AUXILIARY_BCS = "sam|smo|si|ste|je|su|nisam|nismo|nije|nisu"
#: Past participles that tell a story ("poslovođa mi je rekao da dođem sutra").
_PAST_STORY_BCS = (
    "rekao|rekla|rekli|kazao|kazala|kazali|objasnio|objasnila|objasnili|odbio|odbila|odbili|"
    "obecao|obecala|obecali|odgovorio|odgovorila|odgovorili|poslao|poslala|poslali|uzeo|uzela|"
    "uzeli|savjetovao|savjetovala|savetovao|savetovala"
)
#: Being put through to someone in the past ("chat me prebacio na operatera") is a story.
_PAST_TRANSFER_BCS = (
    "prebacio|prebacila|prebacili|spojio|spojila|spojili|preusmjerio|preusmjerila|"
    "preusmerio|preusmerila|proslijedio|proslijedila|prosledio|prosledila"
)

HUMAN_REQUEST = Lexicon(
    [
        # en
        "talk|speak|chat|speaking|talking|chatting to|with .. human*|person|people|agent*|"
        "manager*|supervisor*|representative*|operator*|someone|somebody|boss|employee*|staff",
        "real|actual|live human*|person|people|agent*|operator*",
        "human being",
        "a|an|actual human|humans",
        "human|humans please",
        "prefer|rather ..4 human*|person|people|someone|somebody|agent*|operator*|staff|"
        "employee*|colleague*",
        "is|are there ..2 real|actual|live? human*|person|people|someone|somebody|anyone|anybody "
        "..2 there|here|alive|available|who",
        "get|give me .. manager*|supervisor*|human*|person|agent*|boss",
        "your manager*|supervisor*|boss",
        "transfer|connect me",
        "put me through",
        "callback|callbacks",
        "call back",
        "call|phone|ring me",
        "not a bot|robot|machine",
        "no|stop ..2 bot|bots|robot|robots",
        "operator*",
        # BCS: a verb of talking or wanting, not in the past tense ("razgovarala sam s nekim u
        # trgovini" is a story, not a request): razgovarati, pričati, govoriti, obratiti se,
        # spojite / povežite me, dajte mi, trebam (hr) / treba mi, želim, hoću, može li), then
        # a person: čovjek (hr, bs) / čovek (sr), osoba, operater, šef, menadžer, nadređeni
        "razgovarati|razgovarat|razgovaram|razgovara|porazgovarati|porazgovarat|porazgovaram|"
        "pricati|pricat|pricam|popricati|popricat|govoriti|govorim|obratiti|obratim|spojite|"
        "spoji|spojiti|povezite|povezi|prebacite|prebaci|dajte|daj|treba|trebam|zelim|hocu|"
        "mogu|moze|molim "
        "..4 covjek*|covek*|coek*|osob*|ljud*|nekim|nekog|nekoga|operater*|agent*|"
        "sef|sefa|sefom|sefu|sefic*|menadzer*|menedzer*|nadredjen*|nadreden*|zaposlen*|djelatnik*|"
        "radnik*|direktor*|sluzbenik*|ljudsk*|poslovod*",
        # BCS: tražim (šefa / poslovođu) is a request now; tražila sam / tražio je is a story
        "trazim|trazimo ..2 sef|sefa|sefom|sefu|sefic*|menadzer*|menedzer*|nadredjen*|"
        "nadreden*|poslovod*|operater*|direktor*|covjek*|covek*|osob*|nekog|nekoga",
        # BCS: živa osoba, stvarna osoba, pravi čovjek / čovek
        "ziv*|stvarn*|prav* osob*|covjek*|covek*|coek*|ljud*|agent*|operater*",
        # BCS: "radije bih s čovjekom", "više bih volio s osobom"
        "radije|radje|rade|rajde|vise ..4 s|sa? covjek*|covek*|coek*|osob*|nekim|zivim|ljud*|"
        "operater*|zaposlen*|djelatnik*|radnik*|sluzbenik*",
        "operater*|nadredjen*|nadreden*|menadzer*|menedzer*|poslovod*",
        # BCS: "ne želim razgovarati s botom", "neću robota"
        "ne|necu|nemoj|nemojte .. bot|botom|botu|botovi|robot*",
        # BCS: call me back: nazovite me (hr, bs), pozovite me, da me netko / neko nazove
        "nazov*|pozov*|zovite|nazvati|pozvati me",
        "me .. nazove|nazovete|nazovu|nazvati|nazvat|pozove|pozovete|pozvati|zovne",
        # BCS: is anyone (alive) there, let someone get in touch
        "neko|netko|nekog|nekoga|ikoga|ikog ..2 ziv|ziva|zivi|zivo",
        "javi|javite|nazove|kontaktira ..2 netko|neko",
        "netko|neko ..2 javi|nazove|kontaktira",
    ],
    exclude=[
        "mobile operator*",
        # giving a number is no request for a call now: "you can call me on 091 ..."
        "can|could|may|should ..2 call|phone|ring|reach|text me",
        "mozete|mozes|moze ..2 me ..1 zvati|nazvati|pozvati|dobiti|kontaktirati",
        # an assistant's reminder about someone is no request for a person now: "remind me to
        # talk to my manager", "podsjeti me da nazovem šefa"
        "remind|reminder|reminders|remember ..8 " + _PEOPLE_EN + "|me",
        "podsjeti*|podseti*|podsjetnik*|podsetnik* ..8 " + _PEOPLE_BCS + "|me|nazov*|pozov*",
        "mobiln* operater*|operatera|operateru|operatora",
        "pozov* me na",
        # Reports of the past are not a request for a person now: "I asked for the manager",
        # "I spoke to your manager", "pitala sam za poslovođu, nije ga bilo", "tražila sam
        # šefa", "razgovarao sam s menadžerom", "htjela sam razgovarati s poslovođom", and the
        # person in a story: "poslovođa mi je rekao", "rekao mi je menadžer"
        "asked|requested|demanded|talked|spoke|spoken|contacted|went ..4 " + _PEOPLE_EN,
        # (asking and talking only with "sam" / "je": "tražila bih šefa" is a request now)
        _PAST_ASKING_BCS + " " + _AUXILIARY_BCS + " ..3 " + _PEOPLE_BCS,
        _AUXILIARY_BCS + " " + _PAST_ASKING_BCS + " ..3 " + _PEOPLE_BCS,
        _PAST_STORY_BCS + " ..3 " + _PEOPLE_BCS,
        _PEOPLE_BCS + " ..2 " + _PAST_STORY_BCS,
        _PAST_TRANSFER_BCS + " ..4 " + _PEOPLE_BCS,
        # A call that was promised and never came is a complaint about service, not a wish
        # to be called now: "promised a callback", "obećala je da će me nazvati".
        "promised|promise|said ..4 callback|callbacks|call|ring|phone",
        "promised|promise|said ..4 call|ring|phone back",
        "obecao|obecala|obecali|obecano|rekao|rekla|rekli ..5 nazov*|nazvati|nazvat|pozvati|"
        "pozvat|nazove|pozove|zvati|zvat|javiti|javit",
        # "are you a real person or a machine?" asks what the bot is
        "real|actual|prav*|ziv*|stvarn*? human|person|covjek*|covek*|osob* ..2 or|ili ..2 "
        "machine|robot*|bot|computer|"
        "masin*|racunar*|racunal*|kompjuter*",
    ],
)

#: Charging money, for the double-charge exclusions of :data:`REPEAT` ...
_CHARGED_EN = "charged|charge|charging|billed|paid|debited|deducted|taken|took|withdrew|withdrawn"
#: ... and in BCS: naplatiti / naplaćeno,
#: platiti / uplatiti, skinuti (s kartice), zadužiti, teretiti (hr), povući.
_CHARGED_BCS = (
    "naplat*|naplac*|platio|platila|platili|platio|uplati*|uplatio|uplatila|skinul*|skinu*|"
    "skida*|zaduz*|teretil*|tereti|terecen*|povukl*|povuc*"
)

#: Ordinals and counts, for the counted repeats of :data:`REPEAT` ...
_ORDINAL_EN = "second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|umpteenth|hundredth|nth"
_COUNTS_EN = ("twice", "two|three|four|five|six|ten|several|multiple|many|2|3|4|5|6|10 times")
#: ... the customer contacting the company ...
_CONTACTING_EN = (
    "complain|complained|complaining|write|wrote|writing|written|message|messaged|messaging|"
    "email|emailed|emailing|mail|mailed|call|called|calling|rang|rung|phoned|phoning|contact|"
    "contacted|contacting|report|reported|reporting|ask|asked|asking|chased|chasing|told|tell|"
    "telling|reached|chatted|explain|explained|explaining"
)
_CONTACT_NOUNS_EN = (
    "message|messages|email|emails|mail|mails|call|calls|complaint|complaints|request|requests|"
    "letter|letters|ticket|tickets|chat|chats"
)
#: ... and in BCS, in the first person only ("pišem", "zvao sam"): "zvao je" is the courier.
_ORDINAL_BCS = (
    "drugi|druga|drugu|treci|treca|trecu|cetvrti|cetvrta|cetvrtu|peti|peta|petu|sesti|sesta|"
    "sestu|deseti|deseta|desetu|stoti|milijunti|milionti"
)
_COUNTS_BCS = ("dvaput|triput", "dva|tri|cetiri|pet|deset|nekoliko|vise|par|sto puta|put")
_CONTACTING_BCS = (
    "pisem|pisemo|zovem|zovemo|javljam|javljamo|zalim|zalimo|prijavljujem|reklamiram|"
    "kontaktiram|trazim|pitam|molim|obracam",
    "sam|smo ..2 pisao|pisala|pisali|zvao|zvala|zvali|javljao|javljala|javio|javila|zalio|"
    "zalila|prijavio|prijavila|prijavljivao|prijavljivala|reklamirao|reklamirala|kontaktirao|"
    "kontaktirala|trazio|trazila|pitao|pitala|molio|molila|obratio|obratila|poslao|poslala|"
    "slao|slala",
    "pisao|pisala|pisali|zvao|zvala|zvali|javljao|javljala|javio|javila|zalio|zalila|prijavio|"
    "prijavila|reklamirao|reklamirala|kontaktirao|kontaktirala|trazio|trazila|pitao|pitala|"
    "molio|molila|obratio|obratila|poslao|poslala|slao|slala sam|smo",
)
_CONTACTING_INFINITIVE_BCS = (
    "pisati|pisat|zvati|zvat|javljati|javljat|zaliti|prijaviti|prijavljivati|reklamirati|"
    "ponavljati|moliti|pitati"
)
_CONTACT_NOUNS_BCS = (
    "poruka|poruku|mail|mejl|email|poziv|reklamacija|reklamaciju|prituzba|prituzbu|zalba|zalbu|"
    "prijava|prijavu|upit|pismo"
)


def _counted_repeats() -> list[str]:
    """Counts of the customer's own contacts, in both languages, in either order."""
    english = [
        f"{_ORDINAL_EN} time|times ..4 {_CONTACTING_EN}",
        f"{_CONTACTING_EN} ..4 {_ORDINAL_EN} time",
        f"{_ORDINAL_EN}|another {_CONTACT_NOUNS_EN}",
        f"how many more? times ..5 {_CONTACTING_EN}",
        # the company failing the same way again: "the third time you've sent the wrong size"
        f"{_ORDINAL_EN} time ..3 you|youve|youre|your",
        f"how many more? {_CONTACT_NOUNS_EN}",
    ]
    for count in _COUNTS_EN:
        english.append(f"i|we|ive|weve|id ..3 {_CONTACTING_EN} ..4 {count}")
        english.append(f"{count} ..3 i|we|ive|weve ..2 {_CONTACTING_EN}")
    bcs = [
        f"{_ORDINAL_BCS} {_CONTACT_NOUNS_BCS}",
        f"koliko jos? puta ..5 {_CONTACTING_INFINITIVE_BCS}",
        "ko|tko zna koji put",
        # the company failing the same way again: "treći put mi šaljete pogrešnu veličinu"
        f"{_ORDINAL_BCS} put|puta ..2 ste|mi|nam|vi|vam",
    ]
    for contacting in _CONTACTING_BCS:
        bcs.append(f"{_ORDINAL_BCS} put|puta ..4 {contacting}")
        bcs.append(f"{contacting} ..4 {_ORDINAL_BCS} put|puta")
        bcs.append(f"koliko jos? puta ..5 {contacting}")
        for count in _COUNTS_BCS:
            bcs.append(f"{contacting} ..4 {count}")
            bcs.append(f"{count} ..4 {contacting}")
    return english + bcs


REPEAT = Lexicon(
    [
        # en
        "again",
        "once more",
        # A count is a repeat only when it counts the customer's own complaints, messages or
        # calls ("the third time I'm writing", "I've called twice", "treći put vam pišem"), never
        # a count of anything else ("tried three times to log in", "the courier rang twice").
        *_counted_repeats(),
        "already|previously .. complained|reported|wrote|written|contacted|called|emailed|told",
        "complained|reported|contacted|wrote|called .. before|already|previously|ago",
        "still .. fixed|repaired|resolved|solved|sorted",
        "after i|we complained|reported",
        "same problem|issue|fault .. before|again",
        "same problem|issue|fault as last",
        # en: "every time" counts only about contacting the company ("every time I call you")
        # or its answers ("the same excuse every time"), not about a fault ("it freezes every
        # single time I log in")
        "every single? time i|we ..1 complain|complained|call|called|ring|phone|contact|"
        "contacted|write|wrote|email|emailed|report|reported|chat|ask|asked",
        "every single? time .. same story|thing|excuse|excuses|answer|answers|reply|response|"
        "promise|promises",
        "same story|thing|excuse|excuses|answer|answers|reply|response|promise|promises ..2 "
        "every single? time",
        # BCS: opet / ponovo (sr, bs) / ponovno (hr), već drugi / treći put, ko (sr, bs) / tko
        # (hr) zna koji put, dva / tri / više puta
        "opet|ponovo|ponovno|iznova|nanovo",
        # BCS: "svaki put" only about contacting the company or its answers ("svaki put ista
        # priča", "svaki put kad vas zovem"), not about a fault ("zamrzne se svaki put kad se
        # prijavljujem")
        "svaki|svakog put|puta ..1 ista|isto|iste|isti prica|price|stvar|izgovor*|odgovor*|"
        "obecanj*",
        "ista|isto|iste|isti prica|price|stvar|izgovor*|odgovor*|obecanj* ..1 svaki|svakog "
        "put|puta",
        "svaki|svakog put|puta kad|kada god? ..2 zovem|nazovem|pozovem|pisem|napisem|zalim|"
        "pozalim|prijavim|reklamiram|kontaktiram|javim|obratim",
        # BCS: već sam se žalio / žalila, prijavio, reklamirao, javljao, pisao, zvao, podnio
        # (hr, bs) / podneo (sr) reklamaciju
        "vec .. zali*|prijavi*|prijavlj*|reklamir*|javi*|javlja*|pisa*|pisao|zva*|obrati*|"
        "obraca*|podni*|podne*|predao|predala|kontaktira*",
        "vec .. reklamacij*|prituzb*|zalb*",
        "druga|treca|ponovljen* reklamacij*|prituzb*|zalb*",
        # BCS: ni nakon reklamacije / ni poslije (hr, bs) / ni posle (sr) servisa
        "ni|i nakon|poslije|posle .. reklamacij*|prituzb*|zalb*|servis*|popravk*",
        # BCS: još (uvijek / uvek) nije riješeno (hr, bs) / rešeno (sr), i dalje nije popravljen
        "jos|dalje ..3 rijesen*|resen*|rijeseno|reseno|popravljen*|uradjen*|uraden*",
        "isti|isto|isti problem|kvar|kvarovi .. prije|pre|ranije|prosli|zadnji|proslog",
    ],
    exclude=[
        # en: "send it again", "try again", "never again", "I would order again"
        "send|resend|try|retry .. again",
        "never ..5 again",
        "would|will|ll|to ..2 order|buy|shop|use|purchase|come|recommend ..2 again",
        # en: a double charge or a double order is not a repeated complaint; "me again" is hello
        _CHARGED_EN + " ..6 twice",
        _CHARGED_EN + " ..6 two|2 times",
        "twice ..2 charged|billed|debited|deducted|taken",
        "ordered|bought ..3 twice",
        "me again",
        # BCS: "pošaljite ponovo", "pokušajte ponovno", "nikad više", "kupit ću opet"
        "posalj*|poslati|pokusa*|proba*|nikad*|narucit*|kupit* .. ponovo|ponovno|opet",
        "drugi put cu|cemo|necu|necemo|bih|bi|budem|budete",
        # BCS: "come back another time": "rekao mi je da dođem drugi put", "navratite drugi
        # put", "pokušajte opet", "neki drugi put"
        "dodji|dodjite|dodjem|dodjes|dodje|dodjemo|dodjete|dodju|dodi|dodite|dodem|dodes|dode|"
        "dodemo|dodete|dodu|dojdi|dojdite|navrat*|svrat*|navrac*|svrac*|javite|nazovite|"
        "nazovi|pozovite|pozovi|zovite|zovi|pokusa*|proba* ..2 drugi put|ponovo|ponovno|opet",
        "neki|nekom drugi|drugom put|puta",
        # BCS: "naplatili ste mi dva puta", "skinuli ste mi isti iznos sa kartice dva puta"
        # are a double charge, "kupila sam dva puta" a double order; "opet ja" / "evo me opet"
        # is hello
        _CHARGED_BCS + " ..6 dva|tri|vise puta",
        "dva|tri|vise puta ..3 " + _CHARGED_BCS,
        "kupio|kupila|kupili|narucio|narucila|narucil* ..3 dva|tri|vise puta",
        "opet ja",
        "me opet",
    ],
)

MONEY = Lexicon(
    [
        # en
        "refund*|reimburs*|chargeback*|compensat*",
        "charge back",
        "money back",
        "my|our money",
        "pay me back",
        "return|returned .. money",
        "difference back|refunded",
        # en: indirect demands: "return what you charged me", "I expect the amount back", "give
        # me back what I paid", "reverse the charge"
        "return|refund|repay|reimburse|give|send ..6 charged|overcharged|paid|took|taken|billed|"
        "deducted|debited",
        "amount|sum|payment|payments|charge|charges|deposit|cost|fee|fees ..2 back|refunded|"
        "returned|reversed|reimbursed",
        "back ..3 what|everything|all ..4 charged|overcharged|paid|took|taken|billed|deducted",
        "reverse|reversed|cancel|void|undo ..3 charge|charges|payment|payments|transaction|"
        "transactions|debit",
        "credit my|the ..2 account|card",
        "refund|return|pay ..3 difference",
        # BCS: povrat novca / para / uplate, vratite (mi) novac / pare / lovu, refundacija,
        # odšteta, kompenzacija, obeštećenje, naknada štete, storno uplate, pare / novac nazad
        # (sr, bs) / natrag (hr): "hoću svoje novce natrag", "želim novac natrag"
        "povrat*|povracaj* ..2 novc*|novac|novaca|para|uplat*|sredstav*|iznos*|kes*",
        "vrat*|vracajte|vracate|vracaj .. novac|novca|novce|novcic*|pare|para|lovu|kes|kesa|"
        "uplat*|iznos*|sredstva",
        "refundacij*|refundir*|refund*|odstet*|obestecen*|kompenzacij*|kompenzir*",
        "naknad* .. stet*",
        "nadoknad*",
        "vrat* ..3 razlik*|visak|visk*",
        "povrat*|povracaj* ..2 razlik*|visk*",
        "trazim|zelim|ocekujem|hocu|trazimo|zahtijevam|zahtevam|zahtjevam .. naknad*",
        "storn* .. uplat*|naplat*|transakcij*|iznos*",
        "pare|para|novac|novce|novca|novci|lovu|kes|kesa nazad|natrag",
        "nazad|natrag .. pare|novac|novce|novca|novci|lovu|kes|kesa",
        # BCS: indirect demands: "da mi vratite šta ste naplatili", "očekujem da mi se iznos
        # vrati", "vratite mi ono što sam platio", "poništite naplatu"
        "vrat* ..6 naplat*|naplac*|platio|platila|platili|platila|placeno|placen*|uplati*|"
        "uplacen*|skinul*|skinuli|uzeli|uzel*|zaduz*|teretil*",
        "iznos*|uplat*|naplat*|sum*|troskov* ..3 vrat*|vrace*|nazad|natrag|povrat*",
        "ponist*|stornir*|storn* ..3 naplat*|naplac*|uplat*|transakcij*|zaduzenj*",
    ],
    fuzzy=True,
)

# --------------------------------------------------------------------------------------------
# Anger lexicons (the weights are in bot.policy.anger)
# --------------------------------------------------------------------------------------------

#: The shop or company as a noun (for contemptuous phrases about it).
_COMPANY_EN = "shop|shops|store|stores|company|companies|business|firm|outfit|retailer|chain"
_COMPANY_BCS = (
    "firm*|trgovin*|ducan*|prodavnic*|radnj*|kompanij*|preduzec*|poduzec*|lanac|lanca|market*"
)

#: Insults aimed at people (and contemptuous phrases about the company): abusive on their own.
INSULTS = Lexicon(
    [
        # en
        "idiot*|moron*|imbecil*|cretin*|clowns|clown|thieves|thief|crooks|crook|liars|liar",
        "fraudster*|swindler*|scammers|jerks|jerk|dumbass*|dimwit*|losers",
        "con artists",
        # BCS: idioti, budale, kreteni, lopovi, prevaranti, majmuni, debili, glupani, stoka,
        # ološ, đubre (sr, bs), gamad, seljačine, pljačkaši, lažovi, lopuže, bitange
        "budal*|kreten*|lopov*|prevarant*|majmun*|debil*|glupan*|glupac*|glupaci",
        "stoka|stoko|olos|djubre|djubrad*|gamad*|seljacin*|pljackas*|lazov*|lazljivc*",
        "lopuze|lopuza|bitange|bitanga|nesposobnjakovic*|neznalic*|klaun*|klovn*",
        # the bot itself: "stupid bot", "glupi bote", "useless machine"
        "stupid|dumb|useless|idiotic bot|robot|machine",
        "glup*|blesav*|beskorisn* bot|bote|botu|robot*|masin*|masino",
        # the bot as rubbish: "this bot is rubbish, total junk", "ovaj bot je smeće"
        "bot|bots|chatbot|robot|machine|assistant ..3 rubbish|junk|garbage|trash|useless|crap|"
        "crappy|pathetic|worthless|joke|stupid|dumb|idiotic|shit",
        "bot|bota|bote|botu|botom|chatbot*|robot*|masin* ..3 smece|smeca|djubre|sranje|glup|glupi|"
        "glupa|beskorisn*|jadn*|bijedn*|bedn*|katastrof*|vic|sprdnj*|kanta",
        # Contemptuous phrases about the shop or company: abusive on their own, unlike a
        # contempt word alone ("the app is useless"). en: "a sorry excuse for a company",
        # "joke of a store", "useless company", "bunch of amateurs"
        "excuse|joke|disgrace|shambles of|for a|an? ..2 " + _COMPANY_EN,
        "pathetic|useless|incompetent|worthless|crappy|lousy|rubbish|garbage|shameful "
        + _COMPANY_EN,
        "bunch|band|pack of amateurs|incompetents|losers|jokers|cowboys",
        # BCS: "jadna firma", "bijedna trgovina", "sramotna kompanija", "sramota od firme",
        # "sprdnja od dućana", "ruglo od prodavnice"
        "jadn*|bijedn*|bedn*|sramotn*|smijesn*|smesn*|nesposobn*|beskorisn* " + _COMPANY_BCS,
        "sramot*|sprdnj*|rugl*|bruka|cirkus*|vic|lakrdij* od " + _COMPANY_BCS,
        "banda|gomila|hrpa|skupina amatera|nesposobnjakovica|diletanata|neznalica",
    ]
)

#: Profanity in either language.
PROFANITY = Lexicon(
    [
        # en
        "fuck*|fck*|fcking|motherfuck*|shit*|bullshit|wtf|asshole*|arsehole*|bastard*|bitch*",
        "pissed|goddamn*|dickhead*",
        "piss off",
        "screw you",
        "damn you",
        "bloody hell",
        # BCS (hr/sr/bs): jebem / jebote / jebeni, zajebali, pička / pizda, kurac, govno,
        # sranje, šupak, kurva, "pas mater", "mamu vam", "u pm", "bem ti"
        "jeb*|zajeb*|sjeb*|najeb*|ojeb*|pizd*|kurac|kurca|kurcu|kurce|kurcin*|kurcev*",
        "picka|picke|picku|pickom|pickin|pickice|picketin*|govn*|sranj*|supak|supci|supcin*",
        "kurv*|drek|dreka|smradovi|pederi|jbt|jbm|jbg",
        "pas ..2 mater",
        "mamu|mater vam",
        "u pm",
        "bem ti|vam",
    ]
)

#: Contempt for the company or its work; abusive when aimed at "you" (see anger.py).
CONTEMPT = Lexicon(
    [
        # en
        "stupid|dumb|incompetent|useless|pathetic|disgrace*|scam|scams|fraud|ripoff|crap|crappy",
        "rubbish|garbage|trash|joke|clueless|shameful|amateurs|amateurish|lazy|damn",
        "cheated|cheating|robbed|robbery|lying|worthless|sloppy",
        "rip off",
        "shame on you",
        # BCS: nemate pojma (you have no clue)
        "nemate|nemaju pojma",
        # BCS: nesposobni, sramota, bezobrazluk, smeće, glupo, jadno, bijedno (hr, bs) / bedno
        # (sr), prevara, pljačka, cirkus, neozbiljni, lopovluk, amateri, lijeni / lenji
        "nesposob*|sramot*|bezobraz*|smece|smeca|smecem|glup|glupi|glupo|glupa|glupost*",
        "jadn*|bijedn*|bedn*|prevar*|pljack*|cirkus*|neozbiljn*|lopovluk*|amater*|diletant*",
        "lijen*|lenj*|sprdnj*|zezanj*|vic|rugl*|bruka|bruke|blamaz*|lakrdij*",
    ]
)

#: Strong negative feelings.
STRONG_EMOTION = Lexicon(
    [
        # en
        "furious|livid|outraged|outrageous|enraged|disgusted|disgusting|worst|ridiculous|absurd",
        "insane|appalling|angry|horrible|terrible|awful|shocking|unacceptable|unbelievable",
        "nightmare",
        "fed up",
        "sick of",
        "sick and tired",
        "had enough",
        "enough is enough",
        "mad at",
        "kidding|joking me",
        "are you kidding|joking|serious",
        # BCS: jeste li normalni, zezate li me (hr) / zezate me, ma dajte
        "jeste li|ste li normalni",
        "zezate|zafrkavate ..2 me",
        # BCS: bijesan (hr, bs) / besan (sr), ljut, iznerviran, poludjeti (hr, bs) / poludeti (sr)
        "bijesan|bijesna|bijesni|bjesan|bjesna|besan|besna|besni|pobjesn*|pobesn*|ljut|ljuta",
        "ljuti|ljutit*|iznervira*|nervira*|poludi*|poludje*|poludec*|poludit*",
        # BCS: dosta mi je, dozlogrdilo, sit sam, muka mi je od, pun mi je kufer
        "dosta mi|nam je",
        "dozlogrd*|prekipjelo|prekipelo",
        "sit|sita sam",
        "muka mi je od",
        "pun mi je kufer",
        # BCS: najgori, užas, katastrofa, skandal, nečuveno, neprihvatljivo, nevjerojatno (hr),
        # nevjerovatno (bs) / neverovatno (sr), smiješno (hr, bs) / smešno (sr), grozno, odvratno
        "najgor*|uzas*|katastrof*|skandal*|necuven*|neprihvatljiv*|nevjerojatn*|neverovatn*",
        "nevjerovatn*",
        "smijesn*|smesn*|grozn*|odvratn*|bezveze|nenormaln*|strasn*|jeziv*",
    ]
)

#: Mild displeasure that polite customers also express: weighs little.
MILD_EMOTION = Lexicon(
    [
        # en
        "disappointed|disappointing|unhappy|upset|annoyed|frustrat*|dissatisfied|displeased",
        "irritated",
        "not happy|satisfied|pleased",
        # BCS: razočaran, nezadovoljan, nisam zadovoljan, uznemiren, nervozan, tužan
        "razocaran*|razocara*|nezadovolj*|uznemiren*|nervoz*|tuzan|tuzna",
        "nisam|nismo zadovolj*",
    ]
)

#: Words that sharpen a complaint; they count only next to another anger signal.
INTENSIFIERS = Lexicon(
    [
        # en
        "absolutely|totally|completely|utterly|extremely|seriously|beyond|ever|so",
        "at all",
        # BCS: apsolutno, totalno, potpuno, skroz, krajnje, stvarno, baš, nikako, ikad, zaista,
        # uopće (hr) / uopšte (sr, bs)
        "apsolutno|totalno|potpuno|skroz|krajnje|stvarno|bas|nikako|ikad|ikada|zaista|uopce",
        "uopste",
    ]
)

#: Threats to leave, never buy again or warn others.
THREATS_TO_LEAVE = Lexicon(
    [
        # en
        "never ..5 again",
        "last time i ..2 order|buy|shop|use",
        "this is the last time",
        "competitor*",
        "take my business",
        "lost a customer",
        "lost me",
        "done with you",
        "tell|warn everyone|others|friends",
        "bad|negative review*",
        "1|one star",
        "post .. facebook|social|online|twitter|instagram",
        # BCS: nikad više (ne naručujem), zadnji / posljednji (hr, bs) / poslednji (sr) put,
        # konkurencija, otkazujem, izgubili ste kupca, svima ću reći, loša recenzija
        "nikad|nikada ..4 vise",
        "vise ..2 nikad|nikada",
        "zadnji|posljednji|poslednji put .. narucuj*|kupuj*|koristi*",
        "konkurencij*|otkazujem",
        "raskid* ugovor*",
        "izgubili ste ..2 kupc*|kupca|mustenj*|klijent*|korisnik*",
        "svima ..2 reci|rec|ispricati|javiti|preporuciti|pricati",
        "recenzij*|fejs*|facebook*|instagram*",
        "drustven* mrez*",
        "prosir* glas",
        "los glas",
    ]
)

#: Praise that reads as sarcasm when the same message describes a problem.
SARCASM_MARKERS = Lexicon(
    [
        # en
        "great|good|nice|fantastic|brilliant|amazing job|work|service",
        "well done",
        "bravo|congratulations|congrats|wow",
        "oh|just great",
        # BCS: svaka (vam) čast, bravo, čestitam, baš super / lijepo (hr, bs) / lepo (sr),
        # odlična usluga, alal vam vera (sr) / halal vam vjera (bs), samo tako nastavite
        "svaka ..1 cast",
        "cestitam|cestitke|genijalno",
        "bas super|lijepo|lepo|fino|divno",
        "super|odlican|odlicna|sjajan|sjajna|vrhunsk* posao|usluga|servis|rad",
        "alal|halal vam vera|vjera",
        "samo tako nastavite",
    ]
)

#: Sarcasm that needs no problem word next to it.
SARCASM_ON_ITS_OWN = Lexicon(
    [
        # en
        "thanks for nothing",
        "thank you for nothing",
        "what a|some service",
        # BCS: hvala na ničemu, bravo majstori, genijalci, kakva usluga
        "hvala vam? na nicemu",
        "bravo majstori",
        "genijalci",
        "kakva usluga",
        "kakav servis",
    ]
)

#: Words that turn a message into two clauses ("but", "ali"): praise in one, a problem in the
#: other. :func:`prepare` drops them, so look for them in the folded text.
CONTRAST_WORDS: frozenset[str] = _CLAUSE_WORDS

#: Praise of people or of the service: "she was really kind", "ljubazna prodavačica".
#: Ambiguous words need a copula or an intensifier ("so kind", not "what kind of").
PRAISE = Lexicon(
    [
        # en
        "lovely|helpful|wonderful|courteous|attentive|caring|amazing|fantastic|excellent",
        "brilliant|outstanding|superb|marvellous|marvelous|impressed|kudos|compliments",
        "was|were|is|are|so|very|really|super|extremely|incredibly|truly|most kind|friendly",
        "was|were|is|are|so|very|really|super|extremely|incredibly|truly|most polite|patient",
        "was|were|is|are|so|very|really|super|extremely|incredibly|truly|most pleasant|sweet",
        "kind|nice|friendly|patient to|with",
        "well done",
        "thank|thanks him|her|them",
        "want|like|wanted to praise|thank|compliment",
        # BCS: ljubazna, divna, predivna, krasna, susretljiva, uslužna, strpljiva, pristojna,
        # odlična, izvrsna, sjajna, pohvala, svaka čast, pomogla mi je, hvala joj / mu / im
        "ljubazn*|divn*|predivn*|krasn*|prekrasn*|susretljiv*|usluzn*|strpljiv*|pristojn*",
        "odlicn*|izvrsn*|sjajn*|fantasticn*|profesionaln*|pohval*|pohvali*",
        "ljubazan|divan|predivan|krasan|prekrasan|pristojan|odlican|izvrstan|sjajan",
        "svaka ..1 cast",
        "pomogla|pomogao|pomogli|pomogle mi|nam",
        "hvala|zahvalite|zahvalit* joj|mu|im|njoj|njemu",
    ]
)

#: What went wrong with the staff or the service; with praise words it is still a complaint
#: ("nice, but rude", "forty minutes in the queue, brilliant organisation").
SERVICE_FAULTS = Lexicon(
    [
        # en: behaviour
        "rude|rudely|impolite|unfriendly|unhelpful|arrogant|nasty|mean|condescending|ignor*",
        "yell*|shout*|snapped|argu*|refus*|overcharg*|insult*|laugh*|mock*|hung|sighed|eyes",
        # en: waiting and counting ("forty minutes", "another week", "three times"), zero
        "minute|minutes|hour|hours|week|queue|queues|times|another|zero|charged",
        # BCS: bezobrazna, neljubazna, nepristojna, drska, bahata, ignorirala (hr) /
        # ignorisala (sr, bs), vikala, izderala se, vrijeđala / vređala, odbila, smijala se,
        # prekinula, prevrtala očima
        "bezobraz*|neljubazn*|nepristojn*|drsk*|bahat*|ignorir*|ignoris*|vikal*|vikao|viknu*",
        "vrijedj*|vredj*|odbi*|odbij*|smija*|smeja*|prekin*|izdera*|obrecn*|nadmen*|osorn*",
        "ocima|prevrta*|pukl*|naplati*",
        # BCS: waiting and counting ("četrdeset minuta u redu", "tri puta", "treći put"), zero
        "minut*|sat|sata|sati|satima|puta|nula",
        "u redu za|na kasu|blagajnu",
        "treci|drugi|cetvrti|peti put",
    ]
)

#: Praise said sarcastically opens the message on its own: "wow, ...", "odlično, ...".
SARCASTIC_OPENERS = frozenset(
    {
        *("oh", "wow", "great", "amazing", "lovely", "wonderful", "brilliant", "perfect"),
        *("fantastic", "superb", "excellent", "bravo", "super", "odlicno", "sjajno", "divno"),
        *("krasno", "savrseno", "fantasticno", "genijalno", "bas", "e"),
    }
)

#: Words that describe a problem; sarcasm markers count only next to one of them.
PROBLEM_WORDS = Lexicon(
    [
        # en
        "late|broken|broke|wrong|missing|lost|damaged|still|again|waiting|never|nothing|nobody",
        "not|doesnt|didnt|hasnt|havent|isnt|cant|wont|days|weeks|months|faulty|problem",
        # BCS: kasni, pokvaren, ne radi, nije stiglo, opet, i dalje, čekam, slomljen, krivo,
        # pogrešno, fali, nedostaje, izgubljeno, oštećeno, ništa, nikad
        "kasn*|zakasn*|pokvar*|neispravn*|ne|nije|nisu|nista|nikad*|opet|ponovo|ponovno|dalje",
        "cekam|cekamo|cekanj*|slomljen*|polomljen*|razbijen*|krivo|kriv*|pogresn*|fali",
        "nedostaj*|izgubi*|izgublj*|ostecen*|problem*|dana|tjedn*|nedelj*|sedmic*|mjesec*|mesec*",
    ]
)

# --------------------------------------------------------------------------------------------
# Desired resolution (see bot.policy.resolution)
# --------------------------------------------------------------------------------------------

RESOLUTION_LEXICONS: dict[str, Lexicon] = {
    "refund": Lexicon(
        [
            # en
            "refund*|reimburs*|chargeback*",
            "money back",
            "my money",
            "pay me back",
            "return .. money",
            # BCS: povrat novca, vratite (mi) novac / pare / lovu, refundacija, storno
            "povrat*|povracaj* novc*|novac|novaca|para|uplat*|sredstav*|iznos*",
            "vrat* .. novac|novca|novce|pare|para|lovu|kes|uplat*|iznos*",
            "refundacij*|refundir*|storn*",
            "pare|para|novac|novce|novca|novci|lovu|kes|kesa nazad|natrag",
            "nazad|natrag .. pare|novac|novce|novca|novci|lovu|kes|kesa",
        # BCS: indirect demands: "da mi vratite šta ste naplatili", "očekujem da mi se iznos
        # vrati", "vratite mi ono što sam platio", "poništite naplatu"
        "vrat* ..6 naplat*|naplac*|platio|platila|platili|platila|placeno|placen*|uplati*|"
        "uplacen*|skinul*|skinuli|uzeli|uzel*|zaduz*|teretil*",
        "iznos*|uplat*|naplat*|sum*|troskov* ..3 vrat*|vrace*|nazad|natrag|povrat*",
        "ponist*|stornir*|storn* ..3 naplat*|naplac*|uplat*|transakcij*|zaduzenj*",
        ]
    ),
    "replacement": Lexicon(
        [
            # en
            "replac*|exchange*|swap",
            "new one|pair|item|product|unit|phone|size|piece",
            "another one",
            "the right|correct one|size|item|colour|color",
            "send .. another|new|right|correct|proper",
            # BCS: zamjena (hr, bs) / zamena (sr), nova / novi, pošaljite drugi / ispravan
            "zamjen*|zamijen*|zamen*|zameni*|novi|nova|novu|novo|novog|novoga|novim|ispravan",
            "ispravnu|ispravni|ispravnog",
            "posalj*|poslati|posaljete|dostav* .. drug*|nov*|ispravn*|prav*|dobr*|odgovarajuc*",
            "drugi|drugu|pravu|ispravnu komad|primjerak|primerak|velicinu|boju",
        ]
    ),
    "repair": Lexicon(
        [
            # en
            "fix|fixed|fixing|repair*|mend|mended|serviced",
            "service it",
            # BCS: popravak (hr) / popravka (sr, bs), popravite, servis, otklonite kvar
            "popravi*|popravak|popravka|popravku|popravkom|poprav*|servis*",
            "otklon* .. kvar*",
        ],
        exclude=["korisnick* servis*", "servis* za korisnike"],
    ),
    "apology": Lexicon(
        [
            # en
            "apolog*",
            "say sorry",
            "admit .. mistake*",
            # BCS: izvinjenje (sr, bs), isprika (hr), ispričajte se, izvinite se
            "izvinjenj*|isprik*|ispricavanj*",
            "ispric*|izvin* se",
            "se ..2 ispric*|izvin*",
        ]
    ),
    "compensation": Lexicon(
        [
            # en
            "discount*|voucher*|coupon*|credit|goodwill|compensat*",
            "gift card*",
            "something for the trouble",
            "free delivery|shipping",
            # BCS: popust, kupon, vaučer, bon, naknada, odšteta, kompenzacija, obeštećenje
            "popust*|kupon*|vaucer*|bon|bona|naknad*|odstet*|kompenzacij*|obestecen*|gratis",
            "poklon bon",
            "besplatn* dostav*|isporuk*|postarin*",
        ]
    ),
    "nothing": Lexicon(
        [
            # en
            "nothing",
            "no thanks",
            "dont|not know",
            "not sure",
            "no idea",
            "no need",
            "not|dont ..2 anything",
            "it s|is fine|ok|okay",
            "not|havent|didnt|hadnt ..2 thought|think|considered",
            "just ..4 know|heard|aware|tell|mention|inform|informing|letting",
            # BCS: ništa, ne znam, nisam razmišljao / razmišljala, samo sam htio / htjela (hr,
            # bs) / hteo / htela (sr) da znate, ne treba ništa, u redu je
            "nista|nis|nishta|neznam",
            "ne znam",
            "nemam pojma",
            "nisam|nisi|nismo ..3 razmisljao|razmisljala|razmislio|razmislila|razmisljali|mislio|"
            "mislila",
            "samo ..4 znate|znali|obavijestim|obavestim|javim|kazem|cujete|ukazem|informiram|"
            "informisem",
            "samo sam? htio|htjela|hteo|htela|zelio|zelela|zeljela",
            "ne treba|trebam",
            "nije potrebno",
            "nema potrebe",
            "u redu je",
            "uredu je",
            "sve je? ok|uredu",
        ]
    ),
}
