//! Ukrainian texts of every problem.

use super::Problem;

pub fn text(problem: &Problem) -> String {
    use Problem::*;
    match problem {
        UnknownFileFormat => "Цей файл не є XLSForm, який можна прочитати. Збережіть його як .xlsx, .xls, CSV або таблицю markdown.".into(),
        NotUtf8 => "Текстовий файл не в кодуванні UTF-8. Збережіть його в UTF-8.".into(),
        UnreadableWorkbook { detail } => format!("Не вдається прочитати книгу ({detail}). Відкрийте її в програмі електронних таблиць і збережіть знову як .xlsx."),
        MissingSurveySheet { similar: Some(s) } => format!("Немає аркуша `survey`; схожий на нього аркуш `{s}`. Перейменуйте його на `survey`."),
        MissingSurveySheet { similar: None } => "Немає аркуша `survey`. Він потрібен кожній XLSForm: додайте його зі стовпцями щонайменше `type` і `name`.".into(),
        MisspeltSheet { found, expected } => format!("Аркуш `{found}` схожий на помилково написаний `{expected}`, тому його пропущено. Перейменуйте його на `{expected}`, якщо це він."),
        DuplicateColumn { header } => format!("Стовпець `{header}` трапляється двічі. Видаліть або перейменуйте один із них."),
        MissingColumn { column } => format!("Бракує стовпця `{column}`. Додайте його в перший рядок аркуша."),
        RowWithoutType => "У цьому рядку є назва або підпис, але немає типу. Заповніть стовпець `type` або очистьте рядок.".into(),
        RowSkipped => "У цьому рядку немає ні типу, ні назви, ні підпису, тому його пропущено.".into(),
        UnknownType { found, suggestion: Some(s) } => format!("`{found}` не є типом питання. Можливо, ви мали на увазі `{s}`?"),
        UnknownType { found, suggestion: None } => format!("`{found}` не є типом питання. Використайте тип із xlsform.org, наприклад `text`, `integer` або `select_one СПИСОК`."),
        MissingName => "У питання немає назви. Заповніть стовпець `name` короткою назвою (літери, цифри, `_`, `-`, `.`).".into(),
        InvalidName { name } => format!("`{name}` не є правильною назвою. Назва починається з літери або `_` і містить лише літери, цифри, `_`, `-` і `.`, без пробілів."),
        DuplicateName { name } => format!("Назва `{name}` уже використана в цій групі. Дайте кожному питанню групи власну назву."),
        DuplicateNameCase { name, other } => format!("Назва `{name}` відрізняється від `{other}` у цій групі лише великими літерами, що плутає експорт. Перейменуйте одну з них."),
        DuplicateRepeatName { name } => format!("Інша повторювана група вже називається `{name}`. Дайте кожній повторюваній групі власну назву."),
        RepeatNamedLikeRoot { name } => format!("Повторювана група не може мати кореневу назву форми `{name}`. Перейменуйте її."),
        ChoiceNameWithSpace { list, name } => format!("Варіант `{name}` у списку `{list}` має пробіл у назві, що ламає відповіді select_multiple. Використайте `_`."),
        OrOtherWithChoiceFilter => "`or_other` не можна поєднувати з choice_filter. Додайте до списку варіант `other`.".into(),
        SeedWithoutRandomize => "Для `seed` потрібен `randomize=true` у тих самих параметрах.".into(),
        SearchListShared { list: name, others } => format!("Список `{name}` тут використовується з search(), а в {} без нього. Дайте питанню з search() окремий список.", list(others)),
        NestingTooDeep { limit } => format!("Групи й повторювані групи тут вкладено глибше ніж на {limit} рівнів. Закрийте деякі з них."),
        EmptyGroup { name } => format!("Група `{name}` не показує жодного питання (лише обчислення або нічого), що ODK Validate відхиляє. Додайте видиме питання або приберіть групу."),
        ReservedName { name } => format!("Назва `{name}` зарезервована для метаданих форми. Виберіть іншу назву."),
        UnexpectedEnd { found } => format!("Над `{found}` немає відповідного рядка початку. Видаліть його або додайте рядок початку."),
        MismatchedEnd { expected, found } => format!("`{found}` закриває блок, відкритий через `{expected}`. Напишіть тут `end_{}`.", expected.trim_start_matches("begin_").trim_start_matches("begin ")),
        UnclosedBlock { kind, name } => format!("Блок {kind} `{name}` ніде не закрито. Додайте рядок `end_{kind}` після його останнього питання."),
        NoLabelOrHint { name } => format!("У питання `{name}` немає ні підпису, ні підказки, тож його ніхто не побачить. Додайте підпис."),
        RepeatWithoutLabel { name } => format!("Повторювана група `{name}` не має підпису. Додайте його, щоб було зрозуміло, що саме додається."),
        MissingCalculation { name } => format!("Обчислення `{name}` не має формули. Заповніть стовпець `calculation`."),
        AuditName => "Аудит має називатися `audit`. Залиште стовпець назви порожнім або напишіть `audit`.".into(),
        UnknownParameter { name, accepted } => format!("Параметр `{name}` тут не приймається. Можливі: {}.", list(accepted)),
        InvalidParameterValue { name, value } => format!("`{value}` не є допустимим значенням параметра `{name}`."),
        MalformedParameters { text } => format!("Не вдається прочитати параметри `{text}`. Запишіть їх як `назва=значення` через пробіли або крапки з комою."),
        BigImageWithoutImage { name } => format!("`{name}` має big-image, але не має image. Додайте й image."),
        DisabledColumn => "Стовпець `disabled` більше не входить до XLSForm. Використайте `relevant`.".into(),
        UnknownChoiceList { list } => format!("На аркуші `choices` немає списку `{list}`. Додайте його туди або виправте назву."),
        MissingChoiceListName => "У варіанта відповіді немає назви списку. Заповніть стовпець `list_name`.".into(),
        ChoiceMissingName { list } => format!("Варіант у списку `{list}` не має назви. Заповніть стовпець `name`."),
        DuplicateChoice { list, name } => format!("У списку `{list}` варіант `{name}` трапляється двічі. Дайте кожному варіанту власну назву або встановіть `allow_choice_duplicates` у `yes` на аркуші settings."),
        ChoiceWithoutLabel { list, name } => format!("Варіант `{name}` у списку `{list}` не має підпису. Додайте його."),
        MissingExternalChoices { list } => format!("Списку `{list}` немає на аркуші `external_choices`. Додайте його туди."),
        SelectWithoutList { type_name } => format!("Після `{type_name}` потрібна назва списку, наприклад `{type_name} yes_no`."),
        SelectFromFileExtension { file } => format!("`{file}` має закінчуватися на .csv, .xml або .geojson."),
        SearchWithSelectFromFile { name } => format!("Питання `{name}` використовує search() разом із вибором із файлу. Приберіть search() або використайте `select_one`."),
        ConflictingInstance { name } => format!("Два різні файли стали б одним екземпляром даних `{name}`. Перейменуйте один із них."),
        MissingTranslations { language, columns } => format!("Для мови `{language}` бракує стовпців {}. Додайте їх, інакше користувачі цієї мови побачать `-`.", list(columns)),
        ExpressionSyntax { detail } => format!("Не вдається прочитати вираз: {detail}. Перевірте дужки, лапки й оператори."),
        UnknownReference { name, suggestion: Some(s) } => format!("`${{{name}}}` не є питанням цієї форми. Можливо, ви мали на увазі `${{{s}}}`?"),
        UnknownReference { name, suggestion: None } => format!("`${{{name}}}` не є питанням цієї форми. Виправте назву."),
        AmbiguousReference { name } => format!("`${{{name}}}` може означати кілька питань із цією назвою. Перейменуйте їх, щоб кожна назва була одна."),
        UnknownFunction { name } => format!("ODK Collect не знає функції `{name}()`. Перевірте написання."),
        WrongArity { function, expected, found } => format!("Функція `{function}()` приймає аргументів: {expected}, а отримала {found}."),
        DependencyCycle { names } => format!("Ці питання залежать одне від одного по колу: {}. Розірвіть коло.", names.iter().map(|n| format!("${{{n}}}")).collect::<Vec<_>>().join(" → ")),
        TriggerNotVisible { trigger, target } => format!("`${{{trigger}}}` не показується людям, тому не може запускати обчислення `${{{target}}}`."),
        InvalidFormName { name } => format!("`{name}` не може бути кореневою назвою форми: це має бути правильна назва XML (літери, цифри, `_`, `-`, `.`)."),
        EncryptionNeedsInstanceId => "Зашифрованій формі потрібен instanceID. Приберіть `omit_instanceID` або `public_key`.".into(),
        EntitiesListNameMissing => "Аркушу entities потрібен `list_name`. Заповніть його.".into(),
        EntitiesInRepeatUnsupported => "Сутності з повторюваної групи (стовпець `repeat`) поки не підтримуються. Створюйте одну сутність на відповідь: винесіть питання з повторюваної групи й очистьте стовпець `repeat`.".into(),
        ImageWithoutMaxPixels => "Фото надсилаються в повному розмірі. Додайте `max-pixels=1024` (або інший розмір) у `parameters`, щоб надсилати швидше й заощадити місце.".into(),
        DeprecatedMetadata { type_name } => format!("`{type_name}` працює лише в старих версіях Collect на Android до 11; новіші телефони залишають його порожнім."),
        TableListMismatch { expected, found } => format!("Усі питання вибору в групі table-list мають використовувати один список: це використовує `{found}`, перше — `{expected}`."),
        TableListWithChoiceFilter => "Група table-list не може фільтрувати варіанти. Приберіть choice_filter або вигляд table-list.".into(),
        EntitiesMultipleRows => "На аркуші entities більше одного рядка. Підтримується лише один список сутностей на форму.".into(),
        EntityLabelMissing => "Новій сутності потрібен підпис. Заповніть стовпець `label` аркуша entities.".into(),
        EntityCreateUpdateConflict => "Для оновлення сутності потрібен `entity_id`. Заповніть його або приберіть `update_if`.".into(),
        SaveToWithoutEntities { name } => format!("`{name}` має `save_to`, але у формі немає аркуша entities. Додайте його або очистьте `save_to`."),
        SaveToInRepeat { name } => format!("`{name}` міститься в повторюваній групі, тож його не можна зберегти в сутність. Винесіть його з повторюваної групи."),
        SaveToInvalid { property } => format!("`{property}` не може бути назвою властивості сутності: це має бути правильна назва XML, не `name` і не `label`, і не починатися з `__`."),
        SaveToDuplicate { property } => format!("Два питання зберігають у властивість сутності `{property}`. Використайте її один раз."),
    }
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
