"""Writes the benchmark forms as markdown XLSForms (and .xlsx twins).

    python make_forms.py      # needs openpyxl for the .xlsx twins

clm_hiv.md        community-led monitoring of HIV services, ~100 rows, uk/en
household.md      household survey with nested repeats
generated_680.md  680 survey rows, generated
"""

import random

COLUMNS = ["type", "name", "label::English (en)", "label::Українська (uk)",
           "hint::English (en)", "hint::Українська (uk)", "required",
           "relevant", "constraint", "constraint_message::English (en)",
           "constraint_message::Українська (uk)", "calculation", "appearance",
           "choice_filter", "repeat_count", "default"]


def table(name, header, rows):
    out = [f"| {name} |", "| | " + " | ".join(header) + " |"]
    for r in rows:
        cells = [str(r.get(h, "")) for h in header]
        out.append("| | " + " | ".join(cells) + " |")
    return "\n".join(out)


def q(type_, name, en="", uk="", **kw):
    row = {"type": type_, "name": name,
           "label::English (en)": en, "label::Українська (uk)": uk}
    for k, v in kw.items():
        row[{"hint_en": "hint::English (en)", "hint_uk": "hint::Українська (uk)",
             "msg_en": "constraint_message::English (en)",
             "msg_uk": "constraint_message::Українська (uk)"}.get(k, k)] = v
    return row


def end(kind):
    return {"type": f"end_{kind}"}


YES_NO = [("yes", "Yes", "Так"), ("no", "No", "Ні"), ("dk", "Don't know", "Не знаю")]
SERVICES = [("test", "HIV testing", "Тестування на ВІЛ"), ("art", "ART", "АРТ"),
            ("prep", "PrEP", "ДКП"), ("ost", "OAT", "ЗПТ"), ("tb", "TB screening", "Скринінг на ТБ"),
            ("sti", "STI care", "Лікування ІПСШ"), ("legal", "Legal aid", "Правова допомога"),
            ("psych", "Psychological support", "Психологічна підтримка")]
REGIONS = [("kyiv", "Kyiv", "Київ"), ("lviv", "Lviv", "Львів"), ("odesa", "Odesa", "Одеса"),
           ("dnipro", "Dnipro", "Дніпро"), ("kharkiv", "Kharkiv", "Харків")]
SATISFACTION = [(str(i), en, uk) for i, en, uk in
                [(1, "Very poor", "Дуже погано"), (2, "Poor", "Погано"), (3, "Neutral", "Нейтрально"),
                 (4, "Good", "Добре"), (5, "Very good", "Дуже добре")]]


def choices(lists, extra=None):
    rows = []
    for list_name, items in lists.items():
        for item in items:
            name, en, uk = item[:3]
            row = {"list_name": list_name, "name": name,
                   "label::English (en)": en, "label::Українська (uk)": uk}
            if extra and len(item) > 3:
                row[extra] = item[3]
            rows.append(row)
    return rows


def clm():
    rows = [
        q("start", "start"), q("end", "end"), q("today", "today"), q("deviceid", "deviceid"),
        q("begin_group", "visit", "Visit", "Візит", appearance="field-list"),
        q("date", "visit_date", "Date of the visit", "Дата візиту", required="yes",
          constraint=". <= today()", msg_en="The date cannot be in the future",
          msg_uk="Дата не може бути в майбутньому"),
        q("select_one region", "region", "Region", "Область", required="yes"),
        q("select_one facility", "facility", "Facility", "Заклад", required="yes",
          choice_filter="region = ${region}"),
        q("text", "monitor_code", "Monitor code", "Код монітора", required="yes",
          constraint="regex(., '^[A-Z]{2}[0-9]{3}$')", msg_en="Two letters and three digits",
          msg_uk="Дві літери і три цифри"),
        end("group"),
        q("begin_group", "consent_block", "Consent", "Згода"),
        q("note", "consent_note", "Explain the purpose of the interview. Answers are anonymous.",
          "Поясніть мету інтерв'ю. Відповіді анонімні."),
        q("select_one yes_no", "consent", "Does the person agree to take part?",
          "Чи погоджується людина взяти участь?", required="yes"),
        end("group"),
        q("begin_group", "profile", "About the person", "Про людину", relevant="${consent} = 'yes'"),
        q("integer", "age", "Age", "Вік", required="yes", constraint=". >= 14 and . <= 90",
          msg_en="Age must be between 14 and 90", msg_uk="Вік має бути від 14 до 90"),
        q("select_one gender", "gender", "Gender", "Гендер", required="yes"),
        q("text", "gender_other", "Which gender?", "Який гендер?", relevant="${gender} = 'other'"),
        q("select_multiple population", "population", "Which groups does the person belong to?",
          "До яких груп належить людина?", hint_en="Select all that apply",
          hint_uk="Виберіть усі, що підходять"),
        q("select_one yes_no", "hiv_positive", "Does the person live with HIV?",
          "Чи живе людина з ВІЛ?"),
        q("integer", "years_hiv", "For how many years?", "Скільки років?",
          relevant="${hiv_positive} = 'yes'", constraint=". <= ${age}",
          msg_en="Cannot be more than the age", msg_uk="Не може бути більше за вік"),
        end("group"),
        q("begin_group", "services", "Services used", "Отримані послуги", relevant="${consent} = 'yes'"),
        q("select_multiple service", "services_used", "Which services did the person use today?",
          "Якими послугами людина скористалася сьогодні?", required="yes"),
        q("calculate", "n_services", calculation="count-selected(${services_used})"),
    ]
    for code, en, uk in SERVICES:
        rel = f"selected(${{services_used}}, '{code}')"
        rows += [
            q("begin_group", f"g_{code}", en, uk, relevant=rel, appearance="field-list"),
            q("select_one satisfaction", f"sat_{code}", f"How satisfied with {en}?",
              f"Наскільки задоволені: {uk}?", required="yes", appearance="likert"),
            q("integer", f"wait_{code}", f"Waiting time for {en}, minutes",
              f"Час очікування ({uk}), хвилин", constraint=". >= 0 and . < 600",
              msg_en="0 to 600 minutes", msg_uk="Від 0 до 600 хвилин"),
            q("select_one yes_no", f"paid_{code}", f"Was the person asked to pay for {en}?",
              f"Чи просили заплатити за послугу ({uk})?"),
            q("text", f"paid_amount_{code}", "How much, UAH?", "Скільки, грн?",
              relevant=f"${{paid_{code}}} = 'yes'"),
            q("select_one yes_no", f"stigma_{code}", "Did staff treat the person with disrespect?",
              "Чи ставився персонал до людини зневажливо?"),
            q("text", f"stigma_desc_{code}", "Describe what happened", "Опишіть, що сталося",
              relevant=f"${{stigma_{code}}} = 'yes'", appearance="multiline"),
            end("group"),
        ]
    rows += [
        end("group"),
        q("begin_group", "barriers", "Barriers", "Бар'єри", relevant="${consent} = 'yes'"),
        q("select_multiple barrier", "barrier", "What made it hard to get services?",
          "Що заважало отримати послуги?"),
        q("text", "barrier_other", "Other barrier", "Інший бар'єр",
          relevant="selected(${barrier}, 'other')"),
        q("select_one yes_no", "violence", "Did the person face violence in the last 3 months?",
          "Чи стикалася людина з насильством за останні 3 місяці?"),
        q("select_one yes_no", "referral", "Was a referral offered?", "Чи запропоновано перенаправлення?",
          relevant="${violence} = 'yes'"),
        end("group"),
        q("calculate", "mean_sat", calculation="if(${n_services} > 0, (" + " + ".join(
            f"coalesce(${{sat_{c}}}, 0)" for c, _, _ in SERVICES) + ") div ${n_services}, 0)"),
        q("note", "summary", "Services: ${n_services}; mean satisfaction: ${mean_sat}",
          "Послуг: ${n_services}; середня задоволеність: ${mean_sat}"),
        q("text", "comments", "Anything else?", "Щось іще?", appearance="multiline"),
        q("geopoint", "location", "Location of the facility", "Розташування закладу"),
    ]
    facilities = [(f"{r}_{i}", f"{en} clinic {i}", f"{uk}, клініка {i}", r)
                  for r, en, uk in REGIONS for i in range(1, 5)]
    lists = {"yes_no": YES_NO, "region": REGIONS, "satisfaction": SATISFACTION,
             "service": SERVICES,
             "gender": [("woman", "Woman", "Жінка"), ("man", "Man", "Чоловік"),
                        ("trans", "Trans person", "Трансгендерна людина"), ("other", "Other", "Інше")],
             "population": [("sw", "Sex worker", "Секс-працівниця/ник"), ("pwid", "Uses drugs", "Вживає наркотики"),
                            ("msm", "MSM", "ЧСЧ"), ("plhiv", "Lives with HIV", "Живе з ВІЛ")],
             "barrier": [("distance", "Distance", "Відстань"), ("cost", "Cost", "Вартість"),
                         ("hours", "Opening hours", "Години роботи"), ("stigma", "Stigma", "Стигма"),
                         ("other", "Other", "Інше")]}
    choice_rows = choices(lists) + choices({"facility": facilities}, extra="region")
    settings = [{"form_title": "CLM: HIV services", "form_id": "clm_hiv", "version": "2026113001",
                 "default_language": "Українська (uk)",
                 "instance_name": "concat(${region}, '-', ${visit_date})"}]
    return "\n".join([
        table("survey", COLUMNS, rows),
        table("choices", ["list_name", "name", "label::English (en)", "label::Українська (uk)", "region"], choice_rows),
        table("settings", list(settings[0]), settings),
    ]) + "\n"


def household():
    rows = [
        q("start", "start"), q("end", "end"),
        q("select_one region", "region", "Region", "Область", required="yes"),
        q("integer", "hh_size", "How many people live in the household?",
          "Скільки людей живе в домогосподарстві?", required="yes", constraint=". > 0 and . < 30",
          msg_en="1 to 29", msg_uk="Від 1 до 29"),
        q("begin_repeat", "member", "Household member", "Член домогосподарства", repeat_count="${hh_size}"),
        q("text", "m_name", "First name or nickname", "Ім'я або псевдонім", required="yes"),
        q("integer", "m_age", "Age of ${m_name}", "Вік: ${m_name}", required="yes"),
        q("select_one gender", "m_gender", "Gender of ${m_name}", "Гендер: ${m_name}"),
        q("select_one yes_no", "m_school", "Does ${m_name} attend school?", "Чи відвідує ${m_name} школу?",
          relevant="${m_age} >= 6 and ${m_age} <= 18"),
        q("select_one yes_no", "m_work", "Did ${m_name} work last week?", "Чи працював(ла) ${m_name} минулого тижня?",
          relevant="${m_age} >= 14"),
        q("integer", "m_n_jobs", "How many jobs?", "Скільки робіт?", relevant="${m_work} = 'yes'"),
        q("begin_repeat", "job", "Job", "Робота", repeat_count="${m_n_jobs}"),
        q("text", "job_kind", "What kind of work?", "Яка робота?"),
        q("decimal", "job_income", "Monthly income, UAH", "Місячний дохід, грн", constraint=". >= 0",
          msg_en="Cannot be negative", msg_uk="Не може бути від'ємним"),
        q("calculate", "job_pos", calculation="position(..)"),
        end("repeat"),
        q("calculate", "m_income", calculation="sum(${job_income})"),
        q("select_one yes_no", "m_sick", "Was ${m_name} ill in the last month?",
          "Чи хворів(ла) ${m_name} минулого місяця?"),
        q("begin_repeat", "visit", "Health visit", "Звернення по допомогу", relevant="${m_sick} = 'yes'"),
        q("select_one facility_type", "v_where", "Where?", "Куди?"),
        q("date", "v_date", "When?", "Коли?", constraint=". <= today()", msg_en="Not in the future",
          msg_uk="Не в майбутньому"),
        q("select_one yes_no", "v_paid", "Paid?", "Платно?"),
        end("repeat"),
        end("repeat"),
        q("calculate", "hh_income", calculation="sum(${m_income})"),
        q("calculate", "n_members", calculation="count(${member})"),
        q("note", "hh_note", "Household of ${n_members}, income ${hh_income} UAH",
          "Домогосподарство з ${n_members} осіб, дохід ${hh_income} грн"),
        q("geopoint", "gps", "Location", "Розташування"),
    ]
    lists = {"yes_no": YES_NO, "region": REGIONS,
             "gender": [("woman", "Woman", "Жінка"), ("man", "Man", "Чоловік"), ("other", "Other", "Інше")],
             "facility_type": [("clinic", "Clinic", "Клініка"), ("hospital", "Hospital", "Лікарня"),
                               ("pharmacy", "Pharmacy", "Аптека"), ("ngo", "NGO", "ГО")]}
    settings = [{"form_title": "Household survey", "form_id": "household", "version": "1"}]
    return "\n".join([
        table("survey", COLUMNS, rows),
        table("choices", ["list_name", "name", "label::English (en)", "label::Українська (uk)"], choices(lists)),
        table("settings", list(settings[0]), settings),
    ]) + "\n"


def generated(n_rows=680, seed=6):
    rnd = random.Random(seed)
    rows, names, depth, count = [], [], [], 0
    shown = []  # visible questions in each open group or repeat
    kinds = ["text", "integer", "decimal", "date", "select_one yes_no", "select_multiple service",
             "note", "calculate"]
    while count < n_rows - len(depth):
        count += 1
        r = rnd.random()
        if r < 0.05 and len(depth) < 3:
            kind = rnd.choice(["group", "repeat"])
            name = f"{kind[0]}{count}"
            rows.append(q(f"begin_{kind}", name, f"Section {count}", f"Розділ {count}"))
            depth.append(kind)
            shown.append(0)
            continue
        if r < 0.09 and depth and shown[-1] > 0:
            rows.append(end(depth.pop()))
            shown.pop()
            continue
        t = rnd.choice(kinds)
        name = f"q{count}"
        row = q(t, name, f"Question {count}", f"Питання {count}")
        if t == "calculate":
            row = q(t, name, calculation=f"${{{rnd.choice(names)}}} + 1" if names else "1")
        elif names and rnd.random() < 0.4:
            row["relevant"] = f"${{{rnd.choice(names)}}} != ''"
        if t == "integer" and rnd.random() < 0.5:
            row.update({"constraint": ". >= 0", "constraint_message::English (en)": "Not negative",
                        "constraint_message::Українська (uk)": "Не від'ємне"})
        # Only questions outside repeats may be referenced from anywhere.
        if t not in ("note", "calculate") and "repeat" not in depth:
            names.append(name)
        rows.append(row)
        if t != "calculate" and shown:
            shown[-1] += 1
    while depth:
        rows.append(end(depth.pop()))
    lists = {"yes_no": YES_NO, "service": SERVICES}
    settings = [{"form_title": "Generated 680", "form_id": "generated_680"}]
    return "\n".join([
        table("survey", COLUMNS, rows),
        table("choices", ["list_name", "name", "label::English (en)", "label::Українська (uk)"], choices(lists)),
        table("settings", list(settings[0]), settings),
    ]) + "\n"


def to_xlsx(md_path, xlsx_path):
    import openpyxl
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheet = None
    for line in open(md_path, encoding="utf-8"):
        if not line.strip().startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0]:
            sheet = book.create_sheet(cells[0])
            continue
        sheet.append([c if c else None for c in cells[1:]])
    book.save(xlsx_path)


if __name__ == "__main__":
    for name, text in [("clm_hiv", clm()), ("household", household()), ("generated_680", generated())]:
        with open(f"{name}.md", "w", encoding="utf-8") as f:
            f.write(text)
        to_xlsx(f"{name}.md", f"{name}.xlsx")
