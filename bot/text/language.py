"""Language, variant and script detection for English and Croatian/Serbian/Bosnian (BCS).

``detect(text)`` answers three questions about one chat message:

1. **Script** - ``cyrillic`` when most letters are Cyrillic, else ``latin``.
2. **Family** - English or BCS. Evidence per word, on folded text (:func:`bot.text.fold.fold`,
   so ``šta``/``sta``/``шта`` count alike):

   * spaCy's stop-word lists (English; Croatian; Serbian, whose Cyrillic list is folded),
     minus the words both sides share (``a``, ``i``, ``to``, ``on``, ``no``, ...);
     a word of one or two letters counts 0.6, a longer one 1.0;
   * the complaint vocabularies below (:data:`ENGLISH_WORDS`, :data:`BCS_WORDS`) and every
     variant marker word except names and towns: 1.0 each;
   * a word written with ``čćšžđ``: +0.5; a Cyrillic word: +1.0.

3. **Variant** (hr, sr or bs) - explainable weighted markers, see :data:`MARKER_GROUPS`,
   :data:`BIGRAM_MARKERS` and :func:`_pattern_markers`. Each group has a label and a weight
   per variant; the weights are summed per variant. The main families of markers:

   * **jat reflex**: ijekavian ``vrijeme, uvijek, mlijeko, prije, dijete, cijena, lijepo,
     gdje, dvije, čovjek`` (hr and bs) versus ekavian ``vreme, uvek, mleko, pre, dete, cena,
     lepo, gde, dve, čovek`` (sr);
   * **Croatian words**: ``što`` (what), ``tko``, ``tjedan``, ``tisuća``, ``kruh``, ``kava``,
     ``vlak``, ``obitelj``, ``točno``, ``tijekom``, ``jamstvo``, ``uvjet``, ``isprika``,
     ``trebam``, ``kupnja``, months ``siječanj`` .. ``prosinac``, ``kn``/``kuna``; the
     Croatian future ``vratit ću`` and ``ću`` + infinitive;
   * **Serbian words** (often shared with Bosnian): ``šta``, ``ko``, ``hiljada``, ``porodica``,
     ``tačno``, ``voz``, ``izvinite``, ``uslov``, ``tokom``, ``uopšte``; Serbian only:
     ``hleb``, ``porudžbina``, ``poručio``, ``takođe``, ``juče``, ``opština``, ``evra``,
     ``dinara``; the constructions ``da li``, ``ću da``, ``moram da`` and the fused future
     ``vratiću``;
   * **Bosnian words**: ``sedmica``, ``hljeb``, ``kahva``, ``lahko``, ``sahat``, ``uposlenik``,
     ``historija``, ``vjerovatno``, ``jarane``, ``ahbab``, ``selam``, ``KM``/``maraka``.
     Bosnian has no marker of its own for most words, so it wins when ijekavian forms
     (shared with hr) meet Serbian-Bosnian words (``šta``, ``hiljada``, ``tačno``...).
   * **everyday words**: ``hladnjak``/``frižider``, ``kat``/``sprat``, ``okus``/``ukus``,
     ``tvornica``/``fabrika``, ``jamstvo``/``garancija``...; loan verbs ``rezervirati`` (hr)
     against ``rezervisati`` (sr, bs) (:data:`PREFIX_MARKERS`);
   * **towns and first names** (delivery addresses, signatures): ``Zagreb``, ``Novi Sad``,
     ``Sarajevo``, ``Mirza``... They weigh for the variant only, never for the family.

   ``račun``, ``molim Vas`` and ``hoćeš`` are used alike in all three, so they are no markers;
   ``što`` counts for hr only as a question word (not in ``ono što``, ``sto puta``).
   Cyrillic text starts with a strong Serbian prior: only clear Croatian or Bosnian words
   outweigh it. Without any marker the priors make ``hr`` the default BCS variant.

**Confidence** is ``P(family) * strength`` for English and
``P(family) * strength * (0.75 + 0.25 * P(variant))`` for BCS (:data:`VARIANT_DOUBT`), where
``strength`` grows with the amount of evidence (``E / (E + 1.5)``): a clearly BCS message
without variant markers is still confident enough to set the conversation's language (the
default variant, hr). A message whose family confidence is below
:data:`KEEP_PREVIOUS_BELOW` ("ok", "da", "hvala", "C-4KX9TR") keeps ``previous.code`` (and,
unless it is written in Cyrillic, ``previous.script``); ``previous`` is also a prior for the
variant, so a Bosnian conversation stays Bosnian through neutral messages.

No spaCy import happens here: the stop-word lists are read from spaCy's source files, so the
module stays cheap to import in the action server (importing spaCy imports TensorFlow).
"""

from __future__ import annotations

import ast
import importlib.util
import math
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from bot.text.fold import cyrillic_share, fold, is_cyrillic_char, to_latin

BCS_CODES: tuple[str, ...] = ("hr", "sr", "bs")
CODES: tuple[str, ...] = ("en", *BCS_CODES)
#: Below this family confidence a message is "short or ambiguous" and keeps the previous code.
KEEP_PREVIOUS_BELOW = 0.5
#: Share of the BCS confidence that depends on the variant. A clearly BCS message with weak
#: variant evidence must still be confident enough to set the conversation's language (the
#: action server's threshold is 0.4): otherwise the customer is answered in English.
VARIANT_DOUBT = 0.25
#: Evidence at which the strength factor reaches one half.
_STRENGTH_HALF = 1.5
#: The same when all the evidence points to one family: two unopposed BCS content words
#: ("paket kasni", "dupla naplata") are enough to answer in BCS.
_STRENGTH_HALF_UNOPPOSED = 0.6
#: ... but one word alone ("hvala" in an English chat) keeps the conversation's language.
_UNOPPOSED_MIN_EVIDENCE = 1.2
#: simplemma's Serbo-Croatian lexicon ("hbs") and English lexicon: a word only one of them
#: knows is evidence for that family (see :func:`_lexicon_evidence`).
_LEXICON_WEIGHT = 1.0
#: Variant priors: with no marker at all Croatian is the default BCS variant.
_VARIANT_PRIOR: dict[str, float] = {"hr": 0.3, "sr": 0.2, "bs": 0.0}
#: Cyrillic is written in Serbia (and by Bosnian Serbs); Croatian is never written in it.
_CYRILLIC_PRIOR: dict[str, float] = {"sr": 2.5}
#: Bonus for the variant of the previous message.
_PREVIOUS_PRIOR = 1.0

_BCS_LETTERS = frozenset("čćšžđČĆŠŽĐ")


@dataclass(frozen=True)
class Detection:
    """The language of one message.

    ``scores`` holds a probability-like score per code (they sum to 1); ``markers`` names the
    evidence that decided the variant (``"ijekavian:vrijeme"``, ``"bigram:da li"``...).
    """

    code: str
    script: str
    confidence: float
    scores: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    markers: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_bcs(self) -> bool:
        return self.code in BCS_CODES

    def as_dict(self) -> dict[str, Any]:
        """The JSON-friendly form stored in the parse data under ``language``."""
        return {
            "code": self.code,
            "script": self.script,
            "confidence": round(self.confidence, 3),
            "scores": {code: round(score, 3) for code, score in self.scores.items()},
            "markers": list(self.markers),
        }


@dataclass(frozen=True)
class _Marker:
    label: str
    weights: Mapping[str, float]


def _expand(spec: str) -> list[str]:
    """Expand ``stem(a|e|)`` into ``[stema, steme, stem]``; plain words stay as they are."""
    words: list[str] = []
    for item in spec.split():
        match = re.fullmatch(r"([a-z]*)\(([a-z|]*)\)([a-z]*)", item)
        if match is None:
            words.append(item)
            continue
        stem, endings, tail = match.groups()
        words.extend(stem + ending + tail for ending in endings.split("|"))
    return words


# (label, weights, folded words). A word belongs to one group only (tests check this).
MARKER_GROUPS: tuple[tuple[str, dict[str, float], str], ...] = (
    (
        "ijekavian",
        {"hr": 1.0, "bs": 1.0},
        "vrijeme uvijek mlijek(o|a|u|om) prije poslije dijete djec(a|e|u|om) rijec(|ima) "
        "cijen(a|e|u|i|om|ama) lijep(|o|a|e|i|u|og|om|ih) nedjelj(a|e|u|om|i) gdje ovdje "
        "ondje negdje nigdje svugdje dvije mjesec(|a|u|i|e|ima) mjest(o|a|u|om|ima) "
        "covjek(|a|u|om) vidje(la|li|lo|ti) vidio htio htje(la|li|lo|ti) zivje(ti|la|li) "
        "zivio razumij(em|es|e|emo|ete|u) sjec(am|as|a) primij(etio|etila|etili|etiti) "
        "primjetio primjetila cijel(o|a|i|u|og|om|ih|ovit) bijel(|a|o|i|e|u) "
        "lijek(|a|ove|ovi) sljedec(i|a|e|eg|em|u) slijedec(i|a|e|eg) primjer(|a|u) "
        "zamjen(a|e|u|om|ski|sku) zamijen(iti|ite|io|ila|ili|imo) "
        "mijenja(ti|m|te|ju|o|la) promjen(a|e|u|om) rjesenj(e|a|u|em) "
        "rijes(iti|ite|io|ila|ili|imo|en|eno|ena|eni) pjesm(a|e|u) svijet(|a|u) snijeg "
        "rijek(a|e|u) djevojk(a|e|u) bijes(an|na|no|ni) sjesti dio dijel(a|u) "
        "dijeli(ti|mo|te) tijel(o|a|u) lijevo vjerova(ti|la|li|o) vjeruj(em|te) "
        "naprijed uspio uspjela uspjeli dvjesto koljeno smije(m|s|mo|te) "
        "uvjeren(|a|o|i) razumio grij(e|u|ati|anje|alica) dolje pijes(ak|ka|ku) svijetl(i|o|a|e|u) "
        "pocijepan(|a|o|i|u|e) zalijepljen(|a|o|i|u|e) zalijep(iti|io|ila) naljepnic(a|e|i|u) "
        "lijev(a|i|u|oj|om|e) vrijed(i|no|nost|nosti) izvjestaj(|a|u) primjedb(a|e|u|i) "
        "ponedjelj(ak|ka|kom) dijelov(i|a|e|ima) susjed(|a|u|i|om|e) "
        "obavjestiti obavjestite obavijestiti obavijestite obavijestio "
        "promijen(iti|ite|io|ila|ili|imo|jen|jena|jeno) zahtjev(|a|u|om|i) djecij(i|a|e|u|eg|em) "
        "odjec(a|e|u|om) mjesecn(o|a|i|e|u) cjenik(|a|u) procjen(a|e|u|iti) sjec(anje|ala|ao) "
        "zagrija(o|la|lo|va) pregrija(o|la|lo|va) vrijem(ena|enu) "
        "prijevoz(|a|u|om) uvijet "
        # past participles of -nijeti / -jeti verbs (Serbian doneo, voleo, sedeo, leteo)
        "donio odnio prenio ponio unio iznio nanio zanio pronio volio volje(la|li|lo) "
        "sjedio letio trpio mrzio smio umio",
    ),
    (
        "ekavian",
        {"sr": 1.5},
        "vreme uvek mlek(o|a|u|om) pre posle dete dec(a|e|u|om) rec(|ima) "
        "cen(a|e|u|om|ama) lep(|o|a|e|i|u|og|om|ih) nedelj(a|e|u|om|i|ama) gde ovde onde "
        "negde nigde svugde dve mesec(|a|u|i|e|ima) mest(o|a|u|om|ima) covek(|a|u|om) "
        "vide(la|li|lo|ti) hteo hte(la|li|lo|ti) zive(ti|la|li|o) razum(em|es|emo|ete|eju) "
        "sec(am|as|a) prime(tio|tila|tili|titi) cel(o|a|u|og|om|ih|ovit) ceo "
        "bel(a|o|e|u) lek(|a|ove|ovi) sledec(i|a|e|eg|em|u) primer(|a|u) "
        "zamen(a|e|u|om|ski|sku) zamen(iti|ite|io|ila|ili|imo) menja(ti|m|te|ju|o|la) "
        "promen(a|e|u|om) resenj(e|a|u|em) res(iti|ite|io|ila|ili|imo|en|eno|ena|eni) "
        "pesm(a|e|u) sneg devojk(a|e|u) bes(an|na|no|ni) deo "
        "deli(ti|mo|te) tel(o|a|u) levo verova(ti|la|li|o) veruj(em|te) napred uspeo "
        "uspela uspeli koleno grej(e|u|ati|anje|alica) sme(m|s|mo|te) uveren(|a|o|i) dole "
        "pes(ak|ka|ku) svetl(i|o|a|e|u) "
        "pocepan(|a|o|i|u|e) zalepljen(|a|o|i|u|e) zalep(iti|io|ila) nalepnic(a|e|i|u) "
        "lev(a|i|u|oj|om|e) vred(i|no|nost|nosti) izvestaj(|a|u) primedb(a|e|u|i) "
        "ponedelj(ak|ka|kom) delov(i|a|e|ima) lekar(|a|u|i) obezbedj(en|ena|eno|eni|iti|ite) "
        "sused(|a|u|i|om|e) "
        "bezbedn(o|a|i|ost|osti) obavestenj(e|a|u) obavest(iti|ite|io|ila|ili|icemo) "
        "promen(iti|ite|io|ila|ili|imo|jen|jena|jeno) zahtev(|a|u|om|i) decij(i|a|e|u|eg|em) "
        "detetu detet(a|om) odec(a|e|u|om) mesecn(o|a|i|e|u) cenovnik(|a|u) "
        "procen(a|e|u|iti) sec(anje|ala|ao) zagreja(o|la|lo|va) pregreja(o|la|lo|va) "
        "vremen(a|u) prevoz(|a|u|om) sedel(a|i|o) sedeo smejao smejala "
        "vreo vrel(a|o|i|e|u) sme(o|la|lo) mleven(o|a|i)",
    ),
    (
        "hr-word",
        {"hr": 1.5},
        "tjed(an|na|nu|ni|ne|nom|nima|ana) tisuc(a|e|u|om|ama) kruh(|a|om) kav(a|e|u|om) "
        "vlak(|a|om|u|ovi) obitelj(|i|ima) tocn(o|a|u|e|i|og|om) tko netko nitko itko svatko "
        "hladnja(k|ka|ku|kom) stednja(k|ka|ku|kom) tvornic(a|e|i|u) poduzec(e|a|u) "
        "okus(|a|u|om) kvalitete tipkovnic(a|e|i|u) upute uput(a|u) "
        "artik(l|la|lu|li|le|lom) ljekarn(a|e|i|u) lijecni(k|ka|ku|ci) tanjur(|a|i|e) "
        "zlic(a|e|u|i) vilic(a|e|u|i) hlac(e|a|ama) tenisic(e|a|ama) "
        "doma cest(a|e|u|i|om) kat(|u|a) blagajn(a|e|i|u|ica|icu|ici) putovnic(a|e|u|i) "
        "osobn(a|u|e) iskaznic(a|e|u|i) "
        "tijekom jamstv(o|a|u|om) uvjet(|a|i|e|ima) djelatni(k|ka|ci|ku|cima) "
        "zaposleni(k|ka|ku|ci|cima) vjerojatno obavijest(|i) racunal(o|a|u) zrakoplov "
        "kolodvor(|a|u) kazalist(e|a) povijest kemij(a|e|u) kaj isprik(a|e|u|om) "
        "ispricava(m|mo|te) trebam kupnj(a|e|u|om) pogresk(a|e|u|om) kun(a|e|i) kn "
        "sijecanj sijecnja veljac(a|e) ozuj(ak|ka) trav(anj|nja) "
        "svib(anj|nja) lip(anj|nja) srp(anj|nja) kolovoz(|a) ruj(an|na) listopad(|a) "
        "studen(i|og|oga) prosin(ac|ca) bok "
        "glacal(o|a|u) perilic(a|e|u|i|om) usisavac(|a|u|em) pecnic(a|e|u|i) vrecic(a|e|u|i) "
        "boc(a|e|u|i|om) rajcic(a|e|u) krumpir(|a|om) zrak(|a|u|om) kupaonic(a|e|u|i) "
        "naocal(e|a|ama) gumb(|a|u|i|e|om) kabel(|a|u|om) zapork(a|e|u) sveucilist(e|a|u) "
        "glazb(a|e|u|om) nogomet(|a|u) odvjetni(k|ka|ku|ci|cima|kom) traperic(e|a|ama) "
        "kosaric(a|e|u|i) posiljatelj(|a|u) primatelj(|a|u) opskrb(a|e|u) "
        "oprost(ite|i) prihvac(a|am|aju|ati) iskoristen(|a|o|i|u)",
    ),
    ("hr-word-weak", {"hr": 0.5}, "lozink(a|e|u|om)"),
    (
        "hr-bs-word",
        {"hr": 0.6, "bs": 0.5},
        "uopce jucer takodjer dogod(ilo|ila|io|ili|i) dogadja(|ju|lo) mobitel(|a|u|om) "
        "ured(|a|u|om) opcin(a|e|u|i) trgovin(a|e|u|i) ducan(|a|u) eura nazva(o|la|li|t) "
        "narudzb(a|e|u|i|om) narudzbenic(a|e|u) ponovno navecer vecer(|i)",
    ),
    (
        "sr-bs-word",
        {"sr": 1.0, "bs": 1.0},
        "sta neko niko iko svako hiljad(a|e|u|om|ama) porodic(a|e|u|i|om) tacn(o|a|u|e|i|og|om) "
        "frizider(|a|u|om) sporet(|a|u|om) fabrik(a|e|i|u) preduzec(e|a|u) ukus(|a|u|om|an|no) "
        "kvalitet tastatur(a|e|i|u) stampac(|a|u) racunar(|a|u) uputstv(o|a|u) "
        "artikal fakturisa(ti|no|li) tanjir(|a|i|e) kasik(a|e|u|i) viljusk(a|e|u|i) "
        "pantalon(e|a|ama) patik(e|a|ama) komsinic(a|e|i|u) komsij(a|e|i|u) haustor(|u|a) "
        "magacin(|u|a) sprat(|u|a) teget tacka tack(e|u|i) apotek(a|e|i|u) "
        "januar(|a) februar(|a) septemb(ar|ra) oktob(ar|ra) novemb(ar|ra) decemb(ar|ra) "
        "voz(|a|om|u|ovi) izvin(ite|i|jenje|jenja|javam|javamo|uti) tokom uopste "
        "uslov(|a|i|e|ima) desil(o|a|i) desio desava(|ju) univerzitet(|a|u) hemij(a|e|u) "
        "garancij(a|e|u|i|om) prodavnic(a|e|u|i) kancelarij(a|e|u|i) sajt(|a|u|om) "
        "sifr(a|e|u|om) kupovin(a|e|u|i) "
        "serp(a|e|u|i|om) rern(a|e|u|i|om) ves masin(a|e|u|i|om) dugm(e|eta|etu|ad|adi) "
        "kes(a|e|u|i|om) flas(a|e|u|i|om) narandz(a|e|u|i) paradajz(|a|om) krompir(|a|om) "
        "vazduh(|a|u|om) kupatil(o|a|u|om) ug(ao|la|lu|lom) kabl(|a|om|ovi) "
        "naocar(e|a|ama) saraf(|a|e|i|ima) dukseric(a|e|u|i) advokat(|a|u|om|i|ima) "
        "korp(a|e|u|i|om) posiljal(ac|ca|cu) primal(ac|ca|cu) refundacij(a|e|u|i) "
        "usisivac(|a|u|em) formular(|a|u|e) pegl(a|e|u|i|om) "
        "januaru februaru martu aprilu maju junu julu avgustu septembru oktobru novembru "
        "decembru prihvat(a|am|aju|ati|io|ila) iskoriscen(|a|o|i|u) kontrolis(e|u|ati)",
    ),
    (
        "sr-word",
        {"sr": 1.5},
        "hleb(|a|om) porudzbin(a|e|u|i|om|ama) poruci(o|la|li|ti|vanje) porucujem "
        "takodje juce opstin(a|e|u|i) istorij(a|e|u) kaf(a|u|e|om) mobilni mobilnog "
        "dinar(|a|e|i|u) din rsd evr(a|o|ima|e) zaposleni zaposlenih pare "
        "avgust(|a) povracaj(|a|u) odeljenj(e|a|u) uvece prekjuce pasos(|a|u) tegl(a|e|u) "
        "sargarep(a|e|u) srecan srecn(a|o|i|e) farmerk(e|a|ama) odeljenjima "
        "mejl(|a|u|om|ove|ovi) cet(|a|u|om) vaskrs(|a|u)",
    ),
    (
        "bs-word",
        {"bs": 2.0},
        "sedmic(a|e|u|i|om|ama) hljeb(|a|om) kahv(a|e|u|om) lahko mehko sahat(|a|i) "
        "ahbab(|u|e) jaran(e|a|u) bolan bona uposleni(k|ka|ci|ku|cima|ca) historij(a|e|u) "
        "vjerovatno merhaba selam selamu esselamu alejkum insallah inshallah masallah "
        "mashallah haman akobogda nafaka rahat maraka behar dzenet sabah aksam bajram(|a|u) "
        "bujrum bh hairli sevap odjeljenj(e|a|u) obavjestenj(e|a|u) ljekar(|a|u|i)",
    ),
    # "ko" is "who" in sr and bs, but also colloquial Croatian for "kao" (like).
    ("sr-bs-word-weak", {"sr": 0.6, "bs": 0.6}, "ko"),
    # Delivery addresses name towns: a strong hint where the customer lives.
    (
        "place-hr",
        {"hr": 1.5},
        "zagreb(|u|a|om|acki|acka) split(|u|a) osijek(|u|a) zadar zadr(u|a) pul(a|i) "
        "karlovac karlovc(u|a) varazdin(|u|a) sibenik(|u|a) dubrovnik(|u|a) sisak sisk(u|a) "
        "vukovar(|u|a) cakovec koprivnic(a|i|e) bjelovar(|u|a) samobor(|u|a) makarsk(a|oj) "
        "trogir(|u|a) porec rovinj(|u|a) opatij(a|i) istr(a|i) dalmacij(a|i|e) "
        "slavonij(a|i|e) hrvatsk(a|oj|e|u) hrvat(|i|a)",
    ),
    (
        "place-sr",
        {"sr": 1.5},
        "beograd(|u|a|om) kragujevac kragujevc(u|a) subotic(a|i|u|e) zrenjanin(|u|a) "
        "pancev(o|u|a) cacak cack(u|a) kraljev(o|u|a) smederev(o|u|a) leskovac leskovc(u|a) "
        "valjev(o|u|a) sabac sapc(u|a) uzic(e|u|a) vranj(e|u|a) zemun(|u|a) vozdovac "
        "vozdovc(u|a) krnjac(a|i|e) liman(|u) srbij(a|i|e|u) vojvodin(a|i|e|u) zvezdar(a|i) "
        "vracar(|u|a) jagodin(a|i) sombor(|u|a) kikind(a|i) loznic(a|i)",
    ),
    (
        "place-bs",
        {"bs": 1.5},
        "sarajev(o|u|a|om) tuzl(a|i|u|e) zenic(a|i|u|e) mostar(|u|a) bihac(|u|a) "
        "travnik(|u|a) cazin(|u|a) gradacac brck(o|u|a) bugojn(o|u|a) kakanj zavidovic(i|ima) "
        "livn(o|u|a) gorazd(e|u|a) srebrenik lukavac zivinic(e|ama) dobrinj(a|i|e) "
        "ilidz(a|i|e) bascarsij(a|i|e) grbavic(a|i|e) bosn(a|i|e|u) bosansk(i|a|o|e|u|og|oj|om) "
        "federacij(a|i|e) kanton(|u|a)",
    ),
    # First names typical of one community (used only as a weak hint).
    (
        "name-bs",
        {"bs": 1.0},
        "mirz(a|e|i|u) emir(|a|u) amr(a|e|i) selm(a|e|i) adnan(|a|u) haris(|a|u) kenan(|a|u) "
        "edin(|a|u) elvir(|a|u) almir(|a|u) amel(a|e|i) lejl(a|e|i) aid(a|e|i) nermin(|a|u) "
        "merim(a|e|i) senad(|a|u) suad(|a|u) hamz(a|e|i) fatim(a|e|i) azr(a|e|i) ajl(a|e|i) "
        "dzenan(|a|u) emin(a|e|i) hasan(|a|u) mehmed(|a|u) enes(|a|u) elm(a|e|i) amar(|a|u)",
    ),
    (
        "name-sr",
        {"sr": 1.0},
        "milos(|a|u) nemanj(a|e|i) dusan(|a|u) srdjan(|a|u) jovan(|a|u|e|i) stefan(|a|u) "
        "nenad(|a|u) milic(a|e|i) dragan(a|e|i) aleksandar vuk(|a|u) milutin(|a|u) "
        "slobodan(|a|u) dragoljub(|a|u) radovan(|a|u) bojan(|a|u) snezan(a|e|i)",
    ),
    (
        "name-hr",
        {"hr": 1.0},
        "josip(|a|u) stjepan(|a|u) tomislav(|a|u) kresimir(|a|u) zvonimir(|a|u) hrvoje "
        "hrvoj(a|u) ante antu ivic(a|e|i) ivan(a|e|i) kristijan(|a|u) dubravk(a|e|i) "
        "mislav(|a|u) domagoj(|a|u) vlatk(a|o|e|i) zrinka",
    ),
)

#: Word beginnings: Croatian "-irati" against Serbian/Bosnian "-ovati/-isati" loan verbs.
PREFIX_MARKERS: tuple[tuple[str, dict[str, float], tuple[str, ...]], ...] = (
    (
        "hr-verb",
        {"hr": 1.0},
        (
            "informir",
            "organizir",
            "rezervir",
            "garantir",
            "kontrolir",
            "funkcionir",
            "registrir",
            "spakir",
            "zapakir",
            "stornir",
            "reklamir",
            "resetir",
            "restartir",
        ),
    ),
    (
        "sr-bs-verb",
        {"sr": 0.8, "bs": 0.8},
        (
            "informis",
            "ulogov",
            "uloguj",
            "izlogov",
            "izloguj",
            "resetov",
            "resetuj",
            "restartov",
            "restartuj",
            "organizov",
            "rezervis",
            "garantov",
            "kontrolis",
            "funkcionis",
            "registrov",
            "spakov",
            "zapakov",
            "fakturis",
        ),
    ),
)

# Words the markers must not treat as BCS evidence for the family because English has them too.
_VARIANT_ONLY = frozenset({"video", "april", "august", "mart", "maj", "jun", "jul", "bona", "pre"})

BIGRAM_MARKERS: dict[tuple[str, str], _Marker] = {
    ("da", "li"): _Marker("bigram:da li", {"sr": 1.0, "bs": 0.8, "hr": 0.1}),
    ("je", "li"): _Marker("bigram:je li", {"hr": 0.8, "bs": 0.5, "sr": 0.2}),
    ("treba", "mi"): _Marker("bigram:treba mi", {"sr": 0.5, "bs": 0.5}),
    ("novi", "sad"): _Marker("place-sr:novi sad", {"sr": 1.5}),
    ("novom", "sadu"): _Marker("place-sr:novi sad", {"sr": 1.5}),
    ("novog", "sada"): _Marker("place-sr:novi sad", {"sr": 1.5}),
    ("novi", "beograd"): _Marker("place-sr:novi beograd", {"sr": 1.5}),
    ("banja", "luka"): _Marker("place:banja luka", {"sr": 1.0, "bs": 0.8}),
    ("banja", "luci"): _Marker("place:banja luka", {"sr": 1.0, "bs": 0.8}),
    ("banjoj", "luci"): _Marker("place:banja luka", {"sr": 1.0, "bs": 0.8}),
    ("banja", "luke"): _Marker("place:banja luka", {"sr": 1.0, "bs": 0.8}),
    ("republika", "srpska"): _Marker("place-sr:republika srpska", {"sr": 1.5}),
    ("republici", "srpskoj"): _Marker("place-sr:republika srpska", {"sr": 1.5}),
    ("slavonski", "brod"): _Marker("place-hr:slavonski brod", {"hr": 1.5}),
    ("slavonskom", "brodu"): _Marker("place-hr:slavonski brod", {"hr": 1.5}),
}
#: "što" is Croatian for "what?", but every variant says "ono što", "sve što", "zato što".
_RELATIVE_STO = frozenset(_expand("ono onoga sve svega zato nego to time posto vise ne"))
#: "sto" is also "a hundred": "sto puta", "sto eura".
_HUNDRED_OF = frozenset(_expand("puta eura evra kuna dinara km maraka posto dana godina"))
_FUTURE_AUX = frozenset({"cu", "ces", "ce", "cemo", "cete"})
#: Words ending in "t" before "će" that are no truncated infinitives ("paket će stići").
_NOT_INFINITIVES = frozenset(
    _expand("paket kontakt predmet popust povrat opet put pet sat dvaput triput kvit iznos")
)
#: Infinitives every variant puts after "će" ("paket će biti isporučen").
_COMMON_INFINITIVES = frozenset({"biti", "moci"})
_DA_VERBS = frozenset(
    _expand(
        "hoc(u|es|e|emo|ete) nec(u|es|e|emo|ete) mor(am|as|a|amo|ate) treba trebalo "
        "zel(im|imo|ite) poce(o|la|li|lo) "
        "mo(gu|zes|ze|zete) pokusa(vam|o|la)"
    )
)

#: English complaint and chat vocabulary that is not in spaCy's English stop words.
ENGLISH_WORDS: frozenset[str] = frozenset(
    """order orders ordered delivery delivered deliver package parcel shipment shipping refund
    refunded money waiting wait waited received receive arrived arrive broken damaged defective
    faulty late week weeks days day month months please thanks thank hello hi hey charged charge
    bill billed invoice item items customer service support human agent manager speak talk want
    need replacement replace repair cancel cancelled canceled account app website working work
    terrible awful horrible rude staff complaint complain return returned paid pay twice card
    payment help wrong missing lost hours yesterday today tomorrow status ticket email phone call
    called answer nobody person real angry disappointed unacceptable ridiculous joke scam fraud
    dangerous fire hurt injured lawyer sue court police bye goodbye yes yeah yep nope sorry great
    good bad worst best product store shop courier driver still got get never guys dear sir madam
    you're what's where's doesn't don't didn't can't won't isn't wasn't haven't i'm it's""".split()  # noqa: SIM905
)

#: BCS complaint and chat vocabulary (folded) that is not a stop word or a variant marker.
BCS_WORDS: frozenset[str] = frozenset(
    _expand(
        """paket(|a|u|om|i) posiljk(a|e|u|om) dostav(a|e|u|i|om|ljac|ljaca|ljeno|ljena|ili|io)
        stigl(o|a|i) stigao cekam ceka(mo|ju|o|la|li|nje|nja) jos vec nije nisam nismo nisu zao
        hvala fala molim pozdrav zdravo dobar dobro dobra dan postovani postovana kasni
        kasnjenj(e|a) pokvaren(|a|o|i|u) ostecen(|a|o|i|u) neispravan neispravn(a|o|i|u)
        proizvod(|a|u|om|i) racun(|a|u|e) naplat(a|e|ili|io|ila) placanj(e|a) platio platila
        platili vratiti vratite povrat novac novca novce reklamacij(a|e|u|om) zalb(a|u|e) zalim
        prigovor kupio kupila kupili kupac korisnik korisnicka podrsk(a|u|e) sluzb(a|u|e)
        osoblje radnik razgovarati razgovaram zelim hocu trazim treba mogu moze mozete kada
        zasto sramota katastrofa uzas grozno nikad nikada odgovor odgovara odgovorio javio
        javlja javite nazovite pozovite hitno opasno struj(a|u|e) pozar kvar radi
        aplikacij(a|e|u) stranic(a|e|u) prijav(a|u|e) gresk(a|e|u) sustav sistem pomoc
        pomozite popravak popravk(a|u) servis prodavac kurir(|a|u) adres(a|u|e) broj telefon
        odlicno sve nista puno losa lose los vam vas mene meni moj moja moje mojoj mojom
        ljubazn(o|a|i) bezobrazn(o|a|i) nepristojn(o|a|i) sramotno dana dani danas sutra
        dosad dosta stvarno zaista bas opet odmah zbog jer kartic(a|e|u|om) uplat(a|u|e|io)
        otkaz(ati|ala|ao|ivanje) zeljela zelio jutro jutra vece cao dovidjenja laku noc
        pozdravljam postovanje"""
    )
)


def _stop_words_from_source(lang: str) -> frozenset[str] | None:
    """Read ``STOP_WORDS`` from spaCy's source file without importing spaCy (and TensorFlow)."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "lang" / lang / "stop_words.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "STOP_WORDS" for target in node.targets
        ):
            strings = [
                sub.value
                for sub in ast.walk(node.value)
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
            ]
            words = frozenset(word for string in strings for word in string.split())
            return words or None
    return None


@cache
def spacy_stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words for ``lang`` (``en``, ``hr``, ``sr``), folded."""
    words: Iterable[str] | None = None
    if "spacy" not in sys.modules:
        words = _stop_words_from_source(lang)
    if words is None:
        module = importlib.import_module(f"spacy.lang.{lang}.stop_words")
        words = module.STOP_WORDS
    return frozenset(fold(word) for word in words)


def _build_marker_index() -> dict[str, _Marker]:
    index: dict[str, _Marker] = {}
    for label, weights, spec in MARKER_GROUPS:
        for word in _expand(spec):
            index.setdefault(word, _Marker(f"{label}:{word}", weights))
    return index


def _language_words() -> frozenset[str]:
    """Marker words that are also evidence for the BCS family (not names or places)."""
    return frozenset(
        word
        for label, _weights, spec in MARKER_GROUPS
        if not label.startswith(("place", "name"))
        for word in _expand(spec)
    )


_WORD_MARKERS = _build_marker_index()
_EN_STOP = spacy_stop_words("en")
_BCS_STOP = spacy_stop_words("hr") | spacy_stop_words("sr")
_EN_ALL = _EN_STOP | ENGLISH_WORDS
_BCS_ALL = _BCS_STOP | BCS_WORDS | (_language_words() - _VARIANT_ONLY) | {"sto"}
#: Words both languages use ("a", "i", "to", "on", "no", ...): evidence for neither.
_SHARED = _EN_ALL & _BCS_ALL
#: Interjections that say nothing about the language.
_NEUTRAL = frozenset({"ah", "aj", "au", "eh", "ej", "hm", "hmm", "oh", "ok", "okay", "e"})

_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+", re.IGNORECASE)
_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:['’][^\W\d_]+)*(?!\w)")
_FUSED_FUTURE = re.compile(r"[ai]ć(?:u|eš|emo|ete)$")
#: Ijekavian jat inside a word: "ije" after a consonant ("zagrijao", "svijeća") and short
#: "je" after t, s, v, m, p, c, r ("sjekira", "svjež", "smjer", "rječnik").
_IJEKAVIAN_INSIDE = re.compile(r"(?:^bije[ls]|[cdfghklmnprstvz]ije[a-z]|[tsvmpcr]je)")
#: Words with such letters that every variant writes alike ("nije", "pije", "bije", "prijem").
_IJEKAVIAN_LOOKALIKES = ("nije", "pij", "bije", "krij", "prijem", "vije", "projek", "trajek")
#: Ekavian masculine past participles: Serbian "hteo, video, želeo, razumeo" against
#: "htio, vidio, želio, razumio"; "deo" and "ceo" are ekavian words as well.
_EKAVIAN_PARTICIPLE = re.compile(r"[a-z]{2,}eo$")
_SHARED_EO = frozenset(
    {
        *("pepeo", "romeo", "video", "rodeo", "stereo"),
        # Verbs without jat, written alike everywhere: početi, uzeti, dovesti, sresti, jesti.
        *("poceo", "zapoceo", "uzeo", "preuzeo", "zauzeo", "oduzeo", "poduzeo", "preduzeo"),
        *("doveo", "odveo", "naveo", "izveo", "uveo", "proveo", "priveo", "zaveo", "sveo"),
        *("sreo", "jeo", "pojeo", "zapeo", "napeo"),
    }
)


@cache
def _lexicon_family(word: str) -> str | None:
    """``"bcs"``/``"en"`` when only simplemma's hbs or only its English lexicon knows ``word``.

    simplemma ships its lexicons inside the package (no download); the hbs lexicon needs the
    diacritics, so the word is looked up as written (Cyrillic transliterated).
    """
    if len(word) < 3:
        return None
    # heavy: simplemma loads its lexicons on import; only uncertain words need it
    from simplemma import is_known

    in_bcs = is_known(word, lang="hbs")
    in_english = is_known(word, lang="en")
    if in_bcs == in_english:
        return None
    return "bcs" if in_bcs else "en"


def _word_weight(word: str) -> float:
    return 0.6 if len(word) <= 2 else 1.0


def _family_evidence(raw: list[str], folded: list[str]) -> tuple[float, float]:
    english = bcs = 0.0
    for original, word in zip(raw, folded, strict=True):
        if any(is_cyrillic_char(char) for char in original):
            bcs += 1.0
        elif any(char in _BCS_LETTERS for char in original):
            bcs += 0.5
        if word in _SHARED or word in _NEUTRAL:
            continue
        if word in _EN_STOP:
            english += _word_weight(word)
        elif word in ENGLISH_WORDS:
            english += 1.0
        if word in _BCS_STOP:
            bcs += _word_weight(word)
        elif word in _BCS_ALL:
            bcs += 1.0
        if word in _EN_ALL or word in _BCS_ALL:
            continue
        lexicon = _lexicon_family(fold_keep_diacritics(original))
        if lexicon == "bcs":
            bcs += _LEXICON_WEIGHT
        elif lexicon == "en":
            english += _LEXICON_WEIGHT
    return english, bcs


def _add(scores: dict[str, float], weights: Mapping[str, float]) -> None:
    for code, weight in weights.items():
        scores[code] += weight


def _pattern_markers(raw: list[str], folded: list[str]) -> list[_Marker]:
    """Markers that need context or the original spelling: futures, ``da`` clauses, ``KM``."""
    found: list[_Marker] = []
    for i, word in enumerate(folded):
        following = folded[i + 1] if i + 1 < len(folded) else ""
        preceding = folded[i - 1] if i > 0 else ""
        if word in _FUTURE_AUX and following == "da":
            found.append(_Marker("future:ću da", {"sr": 1.0, "bs": 0.6}))
        elif word in _DA_VERBS and following == "da":
            found.append(_Marker(f"da-clause:{word} da", {"sr": 0.6, "bs": 0.4}))
        if (
            word in _FUTURE_AUX
            and len(preceding) >= 4
            and preceding.endswith("t")
            and preceding not in _NOT_INFINITIVES
        ):
            found.append(_Marker(f"future:{preceding} {word}", {"hr": 1.0, "bs": 0.8}))
        if (
            word in _FUTURE_AUX
            and len(following) >= 4
            and following.endswith(("ti", "ci"))
            and following not in _COMMON_INFINITIVES
        ):
            found.append(_Marker(f"future:{word} {following}", {"hr": 0.6, "bs": 0.4}))
        latin = fold_keep_diacritics(raw[i])
        if len(latin) >= 6 and _FUSED_FUTURE.search(latin):
            found.append(_Marker(f"future:{latin}", {"sr": 1.2}))
        if word == "sto" and preceding not in _RELATIVE_STO and following not in _HUNDRED_OF:
            found.append(_Marker("hr-word:sto", {"hr": 0.8}))
        if len(word) >= 6:
            for label, weights, prefixes in PREFIX_MARKERS:
                if word.startswith(prefixes):
                    found.append(_Marker(f"{label}:{word}", weights))
        if word not in _WORD_MARKERS and not word.startswith(_IJEKAVIAN_LOOKALIKES):
            if _IJEKAVIAN_INSIDE.search(word):
                found.append(_Marker(f"ijekavian-form:{word}", {"hr": 0.8, "bs": 0.8}))
            elif _EKAVIAN_PARTICIPLE.search(word) and word not in _SHARED_EO:
                found.append(_Marker(f"ekavian-form:{word}", {"sr": 1.2}))
        if raw[i] in ("KM", "КМ"):
            found.append(_Marker("currency:KM", {"bs": 1.2, "sr": 0.3}))
    return found


def fold_keep_diacritics(word: str) -> str:
    """Lower-case Latin with diacritics kept (``Вратићу`` -> ``vratiću``)."""
    return to_latin(word).lower()


def _variant_scores(
    raw: list[str], folded: list[str], script: str, previous: Detection | None
) -> tuple[dict[str, float], list[str]]:
    scores = {code: _VARIANT_PRIOR.get(code, 0.0) for code in BCS_CODES}
    if script == "cyrillic":
        _add(scores, _CYRILLIC_PRIOR)
    if previous is not None and previous.code in BCS_CODES:
        scores[previous.code] += _PREVIOUS_PRIOR
    labels: list[str] = []
    for i, word in enumerate(folded):
        marker = _WORD_MARKERS.get(word)
        if marker is not None:
            _add(scores, marker.weights)
            labels.append(marker.label)
        if i + 1 < len(folded):
            bigram = BIGRAM_MARKERS.get((word, folded[i + 1]))
            if bigram is not None:
                _add(scores, bigram.weights)
                labels.append(bigram.label)
    for marker in _pattern_markers(raw, folded):
        _add(scores, marker.weights)
        labels.append(marker.label)
    return scores, labels


def _softmax(scores: Mapping[str, float]) -> dict[str, float]:
    top = max(scores.values())
    exps = {code: math.exp(score - top) for code, score in scores.items()}
    total = sum(exps.values())
    return {code: value / total for code, value in exps.items()}


def detect(text: str, previous: Detection | None = None) -> Detection:
    """Detect the language code, script and confidence of one message.

    ``previous`` is the detection of the conversation's previous message: a short or
    ambiguous message keeps its code (and script, unless written in Cyrillic).
    """
    cleaned = _EMAIL_OR_URL.sub(" ", text)
    raw = _WORD.findall(cleaned)
    folded = [fold(word).replace("’", "'") for word in raw]
    has_cyrillic = cyrillic_share(cleaned) > 0.5
    script = "cyrillic" if has_cyrillic else "latin"

    english, bcs = _family_evidence(raw, folded)
    total = english + bcs
    p_bcs = (bcs + 0.25) / (total + 0.5)
    unopposed = min(english, bcs) == 0 and total >= _UNOPPOSED_MIN_EVIDENCE
    half = _STRENGTH_HALF_UNOPPOSED if unopposed else _STRENGTH_HALF
    strength = total / (total + half)
    variant_scores, labels = _variant_scores(raw, folded, script, previous)
    variants = _softmax(variant_scores)
    scores = {"en": 1.0 - p_bcs, **{code: p_bcs * variants[code] for code in BCS_CODES}}

    if p_bcs > 0.5:
        code = max(BCS_CODES, key=lambda c: variants[c])
        family_confidence = p_bcs * strength
        # The family decides which responses the customer can read; an unsure variant
        # (hr or bs?) lowers the confidence by a quarter at worst.
        confidence = family_confidence * (1.0 - VARIANT_DOUBT + VARIANT_DOUBT * variants[code])
    else:
        code = "en"
        family_confidence = confidence = (1.0 - p_bcs) * strength

    if family_confidence < KEEP_PREVIOUS_BELOW and previous is not None:
        code = previous.code
        script = "cyrillic" if has_cyrillic else previous.script
        confidence = family_confidence
    return Detection(
        code=code,
        script=script,
        confidence=max(0.0, min(1.0, confidence)),
        scores=scores,
        markers=tuple(labels),
    )
