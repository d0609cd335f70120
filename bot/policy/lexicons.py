"""Word lists of the escalation policy and the small matcher that applies them.

Every list is written in *folded* form (see :func:`bot.text.fold.fold`): lower-case ASCII, Cyrillic
transliterated, ``č ć š ž`` written ``c c s z`` and ``đ`` written ``dj``. One entry therefore
covers ``otrovan``, ``otrovan`` typed without diacritics and ``отрован``.

Pattern syntax (one entry is one phrase, words separated by spaces):

* ``word``      the exact word;
* ``stem*``     any word starting with ``stem`` (``otrov*`` matches ``otrovan``, ``otrovala``);
* ``a|b*|c``    any of the alternatives;
* ``word?``     an optional word (alternatives allowed: ``mi|me?``);
* ``..``        up to three arbitrary words; ``..5`` up to five.

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
_CLAUSE_WORDS = frozenset({"but", "however", "although", "though", "ali", "medjutim", "iako", "mada"})
_TOKEN = re.compile(r"[a-z0-9]+")
_NOT_CONTRACTION = re.compile(r"n['’]t\b")


@dataclass(frozen=True)
class Prepared:
    """A message folded and split into clauses of word tokens."""

    text: str
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
    return Prepared(text=text, clauses=tuple(clauses))


@dataclass(frozen=True)
class Hit:
    """One match of a lexicon phrase: where it is and the folded words it covers."""

    pattern: str
    clause: int
    start: int
    end: int
    words: tuple[str, ...]

    @property
    def phrase(self) -> str:
        return " ".join(self.words)


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
            body += "(?:[a-z0-9]+ ){0,%d}" % limit
        elif word.endswith("?"):
            body += "(?:" + _word_regex(word[:-1]) + " )?"
        else:
            body += _word_regex(word) + " "
    return re.compile("(?<= )" + body[:-1] + "(?= )")


class Lexicon:
    """A list of phrase patterns, with optional exclusions that cancel overlapping matches."""

    def __init__(self, patterns: Iterable[str], exclude: Iterable[str] = ()) -> None:
        self.patterns = tuple(patterns)
        self._compiled = tuple((p, compile_pattern(p)) for p in self.patterns)
        self._excluded = tuple(compile_pattern(p) for p in exclude)

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
        hits.sort(key=lambda hit: (hit.clause, hit.start, -hit.end))
        return _drop_nested(hits)

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

#: Plain negation before a health/safety word: "nobody was hurt", "nitko nije ozlijeđen".
#: en + BCS (hr/sr/bs share the forms once folded).
PLAIN_NEGATIONS = Lexicon(
    [
        # en
        "no|not|never|nobody|noone|none|nothing|without|neither|nor",
        "dont|didnt|doesnt|wasnt|werent|isnt|arent|havent|hasnt|hadnt|cant|wont|couldnt",
        # BCS: nije/nisu/nisam..., niko (sr, bs) / nitko (hr), bez, nema, nijedan, nikakav
        "nije|nisu|nisam|nismo|niste|nisi|ne|ni|nit|nema|nemamo|bez",
        "niko|nitko|nikoga|nikog|nikome|nikom|nista|nijedan|nijedna|nijedno|nikakv*",
    ]
)

#: Negation of a *wish*: "I don't want a refund", "ne trebam povrat novca", "umjesto povrata".
#: A bare "not" is not enough here: "I still have not got my refund" is about money.
WISH_NEGATIONS = Lexicon(
    [
        # en
        "not|no|never|dont .. want|need|ask*|looking|interested|expect*|after",
        "no need|instead of|rather than",
        # BCS: ne želim / ne trebam / ne tražim / ne očekujem / neću / nemojte / umjesto (hr, bs),
        # umesto (sr), nije mi potreban, ne zanima me
        "ne|nisam|nije|nismo .. trebam|treba|trebaju|trebamo|zelim|zelimo|trazim|trazimo|ocekujem",
        "ne|nisam|nije|nismo .. zanima|interesuje|interesira|potreban|potrebna|potrebno|hocu",
        "necu|necemo|nemojte|nemoj|umjesto|umesto|nema potrebe",
    ]
)

# --------------------------------------------------------------------------------------------
# Escalation lexicons, one per reason
# --------------------------------------------------------------------------------------------

SAFETY = Lexicon(
    [
        # en: illness and poisoning
        "sick|ill|unwell|nausea*|nauseous|vomit*|diarrh*|poison*|food poisoning",
        "threw|throw|throwing up",
        "allerg*|anaphyla*|rash",
        # en: medical help
        "hospital*|ambulance|doctor|paramedic*|emergency room|emergency department|a e",
        # en: fire, burns, explosions, electricity
        "burn|burns|burned|burnt|burning|scald*|caught|on fire|fire hazard|flames|smoke|sparks",
        "explod*|explosion|blew up|electric shock|electrocut*|shocked me|got a shock",
        "short circuit*",
        # en: injuries
        "injur*|hurt|bleed*|blood|choke|choked|choking",
        "cut myself|himself|herself|themselves|yourself|my|his|her|their",
        # en: foreign bodies, mould, danger
        "glass in|piece* of glass|shard*|mold|moldy|mould*|maggot*|cockroach*|worms in",
        "dangerous|unsafe|hazard|hazardous",
        # BCS (hr/sr/bs): poisoning, illness, vomiting, diarrhoea
        "otrov*|trovanj*|bolest*|bolesn*|razbol*|mucnin*",
        "povrac*|ispovrac*|povratio|povratila|povratili|povratilo|bljuv*",
        "proljev|proljeva|proliv|proliva|dijare*",
        # BCS: allergy, hospital, ambulance (hitna pomoć / na hitnoj / urgentni centar)
        "alergi*|anafila*|osip*",
        "bolnic*|hitn* pomoc*|hitn* sluzb*|na hitnoj|hitnu|urgent* centar*|urgentn*",
        "doktor*|ljekar*|lekar*|lijecnik*|lecnik*",
        # BCS: burns, fire, explosion, electric shock
        "opek*|opec*|izgor*|zapali*|pozar*|vatr*|plamen*|dim|dimi|dimilo|dimio|iskr*",
        "eksplodir*|eksploz*|strujn* udar*|udar* .. struj*|struj* .. udar*|kratk* spoj*",
        # BCS: injuries (ozlijediti hr, ozlediti sr, povrijediti hr/bs, povrediti sr), cuts, blood
        "ozlijed*|ozljed*|ozled*|povrijed*|povred*|povrjed*",
        "posjek*|posjec*|posek*|posec*|porezao|porezala|porezali|porezalo",
        "krv|krvi|krvari*|gusio|gusila|gusi|gusenj*|zagrcn*",
        # BCS: glass in food, mould (plijesan hr/bs, plesan/buđ sr), worms
        "stakl* u|komad* stakl*|krhotin*",
        "plijesan|plijesni|plijesn*|pljesn*|plesan|plesni|plesniv*|plijesniv*|pljesniv*",
        "budj|budja|budji|budju|budjav*|budjal*|ubudj*|crv|crvi|crva|crvima",
        "opasn*",
    ],
    exclude=[
        # en: idioms that are not about health
        "sick of|and",
        "sick to death",
        "burn|burned|burnt out",
        "caught|caught up|on",
        "hurt my|our feelings|business|reputation",
        "a e",
        # BCS: "mobilni operater" is not a burn; "pravna bolest" etc. are rare, left alone
        "vatren*",
    ],
)

LEGAL = Lexicon(
    [
        # en
        "lawyer*|attorney*|solicitor*|barrister*|sue|sues|suing|sued|lawsuit*|litigation",
        "court|courts|legal|small claims|consumer protection|consumer rights",
        "consumer .. association|organisation|organization|authority|agency|office|council",
        "trading standards|ombudsman*|inspection*|inspector*|police|regulator*",
        # BCS: advokat (sr, bs, also hr), odvjetnik (hr), tužba / tužiti, sud
        "advokat*|odvjetni*|pravni zastupni*|tuzb*|tuzi*|tuzic*|tuzicu",
        "sud|suda|sudu|sudom|sudsk*|sudski*",
        "pravn* korak*|koraci|koracima|put*|mjer*|mer*|postup*|sredstv*|zastit*",
        # BCS: inspekcija (tržišna, sanitarna), zaštita potrošača, udruga (hr) / udruženje (sr, bs)
        "inspekcij*|inspektor*|inspektorat*|trzisn* inspekcij*",
        "zastit* potrosac*|udrug* .. potrosac*|udruzenj* .. potrosac*|potrosack* centar*",
        "ombudsman*|pravobranitelj*|zastitnik* gradjana|policij*",
        "nadlezn* institucij*|organ*|sluzb*|tijel*|tel*",
    ],
)

HUMAN_REQUEST = Lexicon(
    [
        # en
        "talk|speak|chat|speaking|talking|chatting to|with .. human*|person|people|agent*|"
        "manager*|supervisor*|representative*|operator*|someone|somebody|boss|employee*|staff",
        "real|actual|live human*|person|people|agent*|operator*",
        "human being|a human|an actual human|human please|humans please",
        "get|give me .. manager*|supervisor*|human*|person|agent*|boss",
        "your manager*|supervisor*|boss",
        "transfer|connect me|put me through",
        "call|phone|ring me|me back",
        "not a bot|robot|machine",
        "no more bots|no bots|stop the bot",
        # BCS verbs: razgovarati (hr/sr/bs), pričati, govoriti, obratiti se, spojite/povežite
        # me, dajte mi, trebam (hr) / treba mi, želim, hoću, može li
        "razgovara*|porazgovara*|pricati|pricat|pricam|popricati|popricat|govoriti|govorim|"
        "obratiti|obratim|spojite|spoji|spojiti|povezite|povezi|prebacite|prebaci|dajte|daj|"
        "treba|trebam|zelim|zelio|zelila|hocu|htio|htjela|hteo|htela|mogu|moze|molim "
        "..4 covjek*|covek*|coek*|osob*|ljud*|nekim|nekog|nekoga|operater*|agent*|"
        "sef|sefa|sefom|sefu|sefic*|menadzer*|menedzer*|nadredjen*|zaposlen*|djelatnik*|"
        "radnik*|direktor*|slubenik*|sluzbenik*|ljudsk*",
        # BCS: živa osoba, stvarna osoba, pravi čovjek (hr/bs) / čovek (sr)
        "ziv*|stvarn*|prav* osob*|covjek*|covek*|coek*|ljud*|agent*|operater*",
        "operater*|operator*|nadredjen*|menadzer*|menedzer*|poslovodj*",
        "ne|necu|nemoj|nemojte .. bot|botom|botu|robot*|masin*|stroj*|automat*",
        # BCS: call me back
        "nazov*|pozov*|zovite|nazvati me|me",
        "me .. nazove|nazovete|nazovu|nazvati|nazvat|pozove|pozovete|pozvati|zovne",
    ],
    exclude=["mobiln* operater*|operatera|operateru|operatora", "pozov* me na"],
)

REPEAT = Lexicon(
    [
        # en
        "again|once more",
        "second|third|fourth|fifth|2nd|3rd|4th|5th|umpteenth|hundredth time",
        "second|third|another complaint",
        "twice|two|three|four|five|several|multiple|many|2|3|4|5 times",
        "already|previously .. complained|reported|wrote|written|contacted|called|emailed|told",
        "complained|reported|contacted .. before|already|previously",
        "still not|isnt|hasnt|wasnt|havent .. fixed|repaired|resolved|solved|sorted",
        "after i|we complained|reported",
        "same problem|issue|fault .. again|before|as last",
        "keeps happening|every single time|every time",
        # BCS: opet / ponovo (sr, bs) / ponovno (hr), već drugi / treći put, ko zna koji put
        "opet|ponovo|ponovno|iznova|nanovo",
        "drugi|treci|cetvrti|peti|sesti|stoti|milijunti|milionti put",
        "ko|tko zna koji put",
        "dva|tri|cetiri|pet|nekoliko|vise|par puta",
        # BCS: već sam se žalio/žalila, već sam prijavio, već sam reklamirao, pisao, zvao
        "vec .. zali*|zalio|zalila|prijavi*|prijavlj*|reklamir*|javi*|javlja*|pisa*|pisao|"
        "zva*|zvao|zvala|obrati*|obraca*|podni*|podne*|predao|predala|kontaktira*",
        "vec .. reklamacij*|prituzb*|zalb*",
        "druga|treca|ponovljen* reklamacij*|prituzb*|zalb*",
        # BCS: ni nakon reklamacije / ni poslije (hr, bs) / ni posle (sr) reklamacije
        "ni|i nakon|poslije|posle|poslije .. reklamacij*|prituzb*|zalb*|servis*|popravk*",
        "jos|i dalje .. nije|nisu|nista|ne .. rijesen*|resen*|rijeseno|reseno|popravljen*|uradjen*",
        "isti problem|kvar .. kao|ko prije|pre|prosli|zadnji",
    ],
    exclude=[
        # en: "send it again", "never again", "try again", "I would order again"
        "send|resend|try|retry|order|buy|shop|use|never|would|will|ll .. again",
        "again and again",
        # BCS: "pošaljite ponovo", "pokušajte ponovno", "nikad više opet"
        "posalj*|poslati|pokusa*|proba*|nikad*|narucit*|narucio|narucila|kupit* .. ponovo|"
        "ponovno|opet",
        "drugi put cu|cemo|necu|bih|bi|budem",
        "treba|trebam|trebao|trebala|ce|cu vise puta",
    ],
)

MONEY = Lexicon(
    [
        # en
        "refund*|reimburs*|chargeback*|charge back|compensat*",
        "money back|my money|our money|pay me back|payment back|return .. money|payment",
        # BCS: povrat novca/para/uplate, vratite (mi) novac/pare/lovu, refundacija, odšteta,
        # kompenzacija, naknada štete, storno (uplate), pare / novac nazad
        "povrat* novc*|novac|novaca|para|uplat*|sredstav*|iznos*|kes*",
        "vrat* .. novac|novca|novce|novcic*|pare|para|lovu|kes|kesa|uplat*|iznos*|sredstva",
        "refundacij*|refundir*|refund*|odstet*|obestecen*|kompenzacij*|kompenzir*",
        "naknad* .. stet*|naknad* za stet*",
        "trazim|zelim|ocekujem|hocu|trazimo|zahtijevam|zahtevam|zahtjevam .. naknad*",
        "storn* .. uplat*|naplat*|transakcij*|iznos*",
        "pare|novac|novce|lovu nazad",
    ],
)

# --------------------------------------------------------------------------------------------
# Anger lexicons (see bot.policy.anger for the weights)
# --------------------------------------------------------------------------------------------

#: Insults aimed at people, abusive on their own.
INSULTS = Lexicon(
    [
        # en
        "idiot*|moron*|imbecil*|cretin*|clowns|clown|thieves|thief|crooks|crook|liars|liar",
        "fraudster*|swindler*|con artists|scammers|jerks|jerk|dumbass*|dimwit*|losers",
        # BCS: idioti, budale, kreteni, lopovi, prevaranti, majmuni, debili, glupani, stoka,
        # ološ, đubrad (sr, bs), gamad, seljačine, pljačkaši, lažovi / lažljivci
        "idiot*|budal*|kreten*|lopov*|prevarant*|majmun*|debil*|glupan*|glupac*|glupaci",
        "stoka|stoko|olos|djubre|djubrad*|gamad*|seljacin*|seljaci|pljackas*|lazov*|lazljivc*",
        "lopuze|lopuza|bitange|bitanga|nesposobnjakovic*|neznalic*|klaunov*|klaunovi|klovnovi",
    ]
)

#: Profanity in either language.
PROFANITY = Lexicon(
    [
        # en
        "fuck*|fck*|fcking|motherfuck*|shit*|bullshit|wtf|asshole*|arsehole*|bastard*|bitch*",
        "piss off|pissed|screw you|damn you|bloody hell|dickhead*|crap|crappy|goddamn*",
        # BCS (hr/sr/bs, folded): jebem/jebote/jebeni, zajebali, pička / pizda, kurac, govno,
        # sranje, šupak, kurva, mater / mamu (in "jebem vam mater", "pas mater")
        "jeb*|zajeb*|sjeb*|najeb*|ojeb*|pick*|pizd*|kurac|kurca|kurcu|kurce|kurcin*|kurcev*",
        "govn*|sranj*|supak|supci|supcin*|kurv*|pas mater|mamu vam|mater vam|u pm|bem ti|bem vam",
        "drek|dreka|smradovi|smradovi|kurcina|picketin*|pederi",
    ],
    exclude=["pick up|pickup|picks up|picked up|pickup*|pick it|pick the|pick a"],
)

#: Contempt for the company or its work; abusive when aimed at "you" (see anger.py).
CONTEMPT = Lexicon(
    [
        # en
        "stupid|dumb|incompetent|useless|pathetic|disgrace*|scam|scams|fraud|rip off|ripoff",
        "rubbish|garbage|trash|joke|clueless|shameful|shame on you|amateurs|amateurish|lazy",
        "cheated|cheating|robbed|robbery|lying|worthless|sloppy",
        # BCS: nesposobni, sramota, bezobrazluk, smeće, glupo, jadno, bijedno (hr/bs) / bedno
        # (sr), prevara, pljačka, cirkus, neozbiljni, lopovluk, amateri
        "nesposob*|sramot*|bezobraz*|smece|smeca|smecem|glup|glupi|glupo|glupa|glupost*",
        "jadn*|bijedn*|bedn*|prevar*|pljack*|cirkus*|neozbiljn*|lopovluk*|amater*|diletant*",
        "lijen*|lenj*|sprdnj*|zezanj*|vic|rugl*|bruka|bruke|blamaz*|lakrdij*",
    ]
)

#: Strong negative feelings.
STRONG_EMOTION = Lexicon(
    [
        # en
        "furious|livid|outraged|outrageous|enraged|disgusted|disgusting|fed up|sick of",
        "sick and tired|had enough|enough is enough|worst|ridiculous|absurd|insane|appalling",
        "angry|mad at|horrible|terrible|awful|shocking|unacceptable|unbelievable|nightmare",
        # BCS: bijesan (hr, bs) / besan (sr), ljut, poludjeti, dosta mi je, dozlogrdilo,
        # sit sam, najgori, užas, katastrofa, skandal, nečuveno, neprihvatljivo,
        # nevjerojatno (hr) / neverovatno (sr), smiješno (hr) / smešno (sr), grozno, odvratno
        "bijesan|bijesna|bijesni|bjesan|bjesna|besan|besna|besni|pobjesn*|pobesn*|ljut|ljuta|"
        "ljuti|ljutit*|iznervira*|nervira*|poludi*|poludje*|poludec*|poludit*",
        "dosta mi|nam je|dozlogrd*|sit|sita sam|muka mi je od|pun mi je kufer|prekipjelo|prekipelo",
        "najgor*|uzas*|katastrof*|skandal*|necuven*|neprihvatljiv*|nevjerojatn*|neverovatn*",
        "smijesn*|smesn*|grozn*|odvratn*|bezveze|nenormaln*|nemoguc*|strasn*|jezi*",
    ]
)

#: Mild displeasure that polite customers also express: weighs little.
MILD_EMOTION = Lexicon(
    [
        # en
        "disappointed|disappointing|unhappy|not happy|upset|annoyed|frustrat*|dissatisfied",
        "not satisfied|not pleased|displeased|irritated",
        # BCS: razočaran, nezadovoljan, nisam zadovoljan, uznemiren, nervozan
        "razocaran*|razocara*|nezadovolj*|nisam|nismo zadovolj*|uznemiren*|nervoz*|tuzan|tuzna",
    ]
)

#: Words that sharpen a complaint; count only next to another anger signal.
INTENSIFIERS = Lexicon(
    [
        # en
        "absolutely|totally|completely|utterly|extremely|seriously|beyond|ever|at all|so",
        # BCS: apsolutno, totalno, potpuno, skroz, krajnje, stvarno, baš, užasno, strašno, nikako
        "apsolutno|totalno|potpuno|skroz|krajnje|stvarno|bas|nikako|ikad|ikada|zaista|uopce|uopste",
    ]
)

#: Threats to leave, never buy again or warn others.
THREATS_TO_LEAVE = Lexicon(
    [
        # en
        "never ..5 again|never again",
        "last time i ..2 order*|buy|bought|shop*|use*",
        "competitor*|take my business|lost a customer|lost me|done with you|cancel my|tell everyone",
        "bad review|negative review|1 star|one star|post .. facebook|social media|online",
        # BCS: nikad više (ne naručujem), zadnji / posljednji (hr, bs) / poslednji (sr) put,
        # konkurencija, otkazujem, izgubili ste kupca, svima ću reći, loša recenzija
        "nikad|nikada|vise ..4 vise|nikad|nikada",
        "nikad|nikada vise",
        "zadnji|posljednji|poslednji put .. narucuj*|narucio|narucila|kupuj*|kupio|kupila|koristi*",
        "konkurencij*|otkazujem|otkazat*|raskid* ugovor*|izgubili ste ..2 kupc*|kupca|mustenj*|"
        "klijent*|korisnik*",
        "svima ..2 cu|cemo|reci|ispricati|rec|javiti",
        "los* recenzij*|negativn* recenzij*|recenzij*|fejs*|facebook*|drustven* mrez*|instagram*",
        "prosirit* glas|los glas",
    ]
)

#: Praise words that read as sarcasm when the same message describes a problem.
SARCASM_MARKERS = Lexicon(
    [
        # en
        "great|good|nice|fantastic|brilliant|amazing job|work|service",
        "well done|bravo|congratulations|congrats|oh great|just great|wow|thanks a lot",
        # BCS: svaka čast, bravo, čestitam, baš super / lijepo (hr, bs) / lepo (sr),
        # alal vam vera (sr) / halal vam vjera (bs), samo tako nastavite, genijalno
        "svaka ..2 cast|bravo|cestitam|cestitke|bas super|lijepo|lepo|fino|divno",
        "super|odlican|odlicna|sjajan|sjajna|vrhunsk* posao|usluga|servis|rad",
        "alal|halal vam|ti vera|vjera|samo tako nastavite|genijaln*|majstori|hvala puno",
    ]
)

#: Sarcasm that needs no problem word next to it.
SARCASM_ON_ITS_OWN = Lexicon(
    [
        # en
        "thanks for nothing|thank you for nothing|way to go|what a service|some service",
        # BCS: hvala na ničemu, bravo majstori, genijalci, kakva usluga
        "hvala na nicemu|hvala vam na nicemu|bravo majstori|genijalci|kakva usluga|kakav servis",
    ]
)

#: Words that describe a problem; sarcasm markers count only next to one of them.
PROBLEM_WORDS = Lexicon(
    [
        # en
        "late|broken|broke|wrong|missing|lost|damaged|still|again|waiting|never|nothing|nobody",
        "not|doesnt|didnt|hasnt|havent|isnt|cant|wont|no one|days|weeks|months|faulty|problem",
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
            "refund*|reimburs*|chargeback*|money back|my money|pay me back|return .. money",
            # BCS: povrat novca, vratite novac / pare / lovu, refundacija, storno, novac nazad
            "povrat* novc*|novac|novaca|para|uplat*|sredstav*|iznos*",
            "vrat* .. novac|novca|novce|pare|para|lovu|kes|uplat*|iznos*",
            "refundacij*|refundir*|refund*|storn*|pare|novac|novce nazad",
        ]
    ),
    "replacement": Lexicon(
        [
            # en
            "replac*|exchange*|swap|new one|new pair|a new|brand new|another one|the right one",
            "send .. another|new|right|correct|proper",
            # BCS: zamjena (hr, bs) / zamena (sr), nova / novi, pošaljite drugi / ispravan
            "zamjen*|zamijen*|zamen*|zameni*|novi|nova|novu|novo|novog|novoga|novim|ispravan|"
            "ispravnu|ispravni|ispravnog",
            "posalj*|poslati|posaljete|dostav* .. drug*|nov*|ispravn*|prav*|dobr*|odgovarajuc*",
            "drugi komad|drugi primjerak|drugi primerak|drugu velicinu|pravu velicinu",
        ]
    ),
    "repair": Lexicon(
        [
            # en
            "fix|fixed|fixing|repair*|mend|mended|get it serviced|service it|serviced",
            # BCS: popravak (hr) / popravka (sr, bs), popravite, servis, otklonite kvar
            "popravi*|popravak|popravka|popravku|popravkom|poprav*|servis*|otklon* .. kvar*",
        ],
        exclude=["korisnick* servis*|servisa|servisu", "servis .. za korisnike"],
    ),
    "apology": Lexicon(
        [
            # en
            "apolog*|say sorry|a sorry|an i am sorry|admit .. mistake*",
            # BCS: izvinjenje (sr, bs), isprika (hr), ispričajte se, izvinite se
            "izvinjenj*|izvinuc*|isprik*|ispricaj* se|ispricati se|ispricate|izvin* se|da se "
            "izvin*|ispricat*|ispricavanj*",
        ]
    ),
    "compensation": Lexicon(
        [
            # en
            "discount*|voucher*|coupon*|gift card*|store credit|credit|something for the trouble",
            "compensat*|free delivery|free shipping|goodwill",
            # BCS: popust, kupon, vaučer, bon, naknada, odšteta, kompenzacija, obeštećenje
            "popust*|kupon*|vaucer*|bon|bona|poklon bon|naknad*|odstet*|kompenzacij*|obestecen*",
            "gratis|besplatn* dostav*|isporuk*|postarin*",
        ]
    ),
    "nothing": Lexicon(
        [
            # en
            "nothing|no thanks|dont know|do not know|not sure|no idea|no need|its fine|its ok",
            "havent|have not|didnt|did not .. thought|think",
            "just wanted you to know|just letting you know|just to let you know|just so you know",
            "just wanted .. know|tell you|say|let you know|be heard",
            # BCS: ništa, ne znam, nisam razmišljao/la, samo sam htio/htjela (hr, bs) / hteo/htela
            # (sr) da znate, ne treba ništa, u redu je
            "nista|nis|nishta|ne znam|neznam|nemam pojma|nisam .. razmisljao|razmisljala|mislio|"
            "mislila",
            "samo .. da znate|obavijestim|obavestim|javim|kazem|znate|cujete|ukazem",
            "samo sam htio|htjela|hteo|htela|zelio|zelela|zeljela",
            "ne treba|ne trebam|nije potrebno|nema potrebe|u redu je|uredu je|sve ok|sve je ok",
        ]
    ),
}
