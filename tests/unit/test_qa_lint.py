"""The language lint's rules on good and bad text in several scripts."""
from __future__ import annotations

import pytest

from assistant.qa.lint import LintIssue, lint_reply, lint_text


def rules(text: str, code: str, pane: str = "speech") -> set[str]:
    return {issue.rule for issue in lint_text(text, pane, code)}


@pytest.mark.parametrize("code, pane, bad, rule", [
    ("fr", "chat", "Voici les vols Paris–Londres pour le mer. 2 déc..", "doubled_punctuation"),
    ("de", "speech", "Hier sind Flüge am Mi., 2. Dez..", "doubled_punctuation"),
    ("ru", "chat", "Вот рейсы на ср, 2 дек..", "doubled_punctuation"),
    ("en", "speech", "Here are flights , for you.", "doubled_punctuation"),
    ("th", "chat", "นี่คือเที่ยวบินในพุธ 2 ธ.ค.ค่ะ", "doubled_punctuation"),
    ("zh", "speech", "这是十二月二日的航班。。", "doubled_punctuation"),
    ("zh", "speech", "一 五 二航班", "space_in_unspaced_script"),
    ("zh", "speech", "票价五千四百五十八 人民币", "space_in_unspaced_script"),
    ("ja", "speech", "料金は八万八千九百二十一 えんです。", "space_in_unspaced_script"),
    ("zh", "speech", "这是十二月2日的航班。", "mixed_numerals"),
    ("ja", "speech", "十二月2日の東京発", "mixed_numerals"),
    ("ar", "speech", "بسعر ١٢3 درهم", "mixed_numerals"),
    ("hi", "speech", "किराया १2 रुपये", "mixed_numerals"),
    ("ja", "speech", "Qatar Airways 九七一便です。", "foreign_script"),
    ("ru", "speech", "Рейс Qatar Airways девять семь один.", "foreign_script"),
    ("ar", "speech", "رحلة Qatar Airways رقم تسعة", "foreign_script"),
    ("hi", "speech", "IndiGo की फ़्लाइट दो सात", "foreign_script"),
    ("th", "speech", "เที่ยวบินของ Thai Airways ค่ะ", "foreign_script"),
    ("en", "speech", "Here are **flights** from Madrid.", "leftover_markup"),
    ("ru", "speech", "Вот рейсы из {origin}.", "leftover_markup"),
    ("es", "chat", "**Estos son los vuelos de Madrid", "leftover_markup"),
    ("de", "speech", "Lufthansa Flug zwei, leaving at zehn Uhr.", "untranslated_template"),
    ("ja", "speech", "東京発 nonstop です", "untranslated_template"),
    ("ar", "speech", "بتاريخ اثنان ديسمبر.", "cardinal_day"),
    ("ar", "speech", "الساعة الرابعة و خمسون دقيقة", "detached_conjunction"),
    ("ar", "speech", "تغادر الساعة الرابعة وخمسة وخمسون مساءً", "minute_agreement"),
    ("ar", "speech", "الساعة الحادية عشرة وخمسة صباحًا", "minute_agreement"),
    ("ru", "speech", "Вот рейсы на второй декабря.", "ordinal_gender"),
    ("uk", "speech", "Ось рейси на другий грудня.", "ordinal_gender"),
    ("tr", "speech", "fiyatı yedibinonüç Türk lirası", "number_compound"),
    ("he", "speech", "הנה הטיסות בשתיים בדצמבר.", "count_agreement"),
    ("pl", "speech", "Oto loty na trzynasty kwietnia.", "ordinal_case"),
    ("cs", "speech", "Tady jsou lety na deset srpna.", "ordinal_case"),
    ("sk", "speech", "Tu sú lety na dva decembra.", "ordinal_case"),
])
def test_each_rule_catches_its_defect(code, pane, bad, rule):
    assert rule in rules(bad, code, pane)


@pytest.mark.parametrize("code, pane, good", [
    ("fr", "chat", "Voici les vols Paris–Londres pour le mer. 2 déc."),
    ("de", "speech", "Hier sind Flüge am zweiten Dezember. Lufthansa Flug zwei null sieben zwei."),
    ("en", "chat", "Wait... then fly, e.g. at noon."),
    ("ru", "speech", "Вот рейсы на второе декабря. Рейс «Аэрофлота» три девять пять."),
    ("uk", "speech", "Ось рейси на друге грудня."),
    ("pl", "speech", "Oto loty na dwudziestego pierwszego marca, cena dwa złote."),
    ("cs", "speech", "Tady jsou lety na desátého srpna."),
    ("th", "chat", "นี่คือเที่ยวบินในวันพุธที่ 2 ธันวาคมค่ะ"),
    ("th", "speech", "ออกเวลาสิบหกนาฬิกา ห้าสิบห้านาที"),
    ("zh", "speech", "这是十二月二日周一从北京到上海的航班。卡塔尔航空九七一航班，票价五千四百五十八元人民币。"),
    ("zh", "chat", "**这是12月2日周三从北京到上海的航班。**\n\n1. **卡塔尔航空** QR 971 · 16:55 PEK → 19:00 PVG"),
    ("ja", "speech", "十二月二日の東京発ロンドン行き。カタール航空九七一便、料金は八万八千九百二十一円です。"),
    ("ja", "chat", "1. **カタール航空** QR 971 · 6:30 NRT → 14:15 LHR · 16 時間45 分"),
    ("ar", "speech", "رحلة الخطوط الجوية القطرية رقم تسعة سبعة واحد، بتاريخ الثاني من ديسمبر، وخمسون دقيقة."),
    ("hi", "speech", "इंडिगो की फ़्लाइट दो सात चार नौ, किराया दस हज़ार रुपये।"),
    ("he", "speech", "הנה הטיסות בשניים בדצמבר. טיסה של אל על."),
    ("tr", "speech", "fiyatı yedi bin on üç Türk lirası, bu yüzden on beş Aralık"),
    ("es", "chat", "**Estos son los vuelos de Madrid a Londres el mié, 2 dic.**"),
])
def test_good_text_passes(code, pane, good):
    assert lint_text(good, pane, code) == []


def test_an_issue_names_its_rule_pane_and_the_offending_text():
    issues = lint_reply("**Vols le mer. 2 déc..**", "Vol Air France", "fr")
    assert issues == [LintIssue("doubled_punctuation", "chat", "e mer. 2 déc..**")]
    assert str(issues[0]) == "doubled_punctuation (chat): 'e mer. 2 déc..**'"


def test_brand_names_shown_in_the_chat_are_not_linted():
    chat = "1. **Aer Lingus** EI 120 · 9:00 DUB → 10:30 LHR"
    assert lint_reply(chat, "", "de", brands=("Aer Lingus",)) == []


@pytest.mark.parametrize("code, bad, rule", [
    ("et", "väljub kell üksteist:viiskümmend viis", "misplaced_punctuation"),
    ("et", "saabub kell kolmteist:0viis", "misplaced_punctuation"),
    ("et", "kuupäeval kaks. detsember.", "misplaced_punctuation"),
    ("ms", "Penerbangan Penerbangan Malaysia dua", "repeated_word"),
])
def test_speech_specific_rules(code, bad, rule):
    assert rule in rules(bad, code)


@pytest.mark.parametrize("code, good", [
    ("et", "kuupäeval teine detsember. Lennufirma Finnair lend kolm üks üks üks."),
    ("tr", "İşte easyJet uçuşları. easyJet üç üç sıfır."),
    ("ru", "Рейс два два девять."),
])
def test_speech_specific_rules_pass_good_text(code, good):
    assert lint_text(good, "speech", code) == []


def test_a_broken_lint_pattern_names_the_file_and_field(config_copy):
    from demo.startup import validate_all
    from languages import ConfigError

    path = config_copy / "qa.yaml"
    path.write_text(path.read_text("utf-8").replace('pattern: "(?<!\\\\S)و (?=\\\\S)"', 'pattern: "(unclosed"'), "utf-8")
    with pytest.raises(ConfigError, match=r"qa.yaml: lint.patterns.ar\[1\].pattern: .*not a regular expression"):
        validate_all()
