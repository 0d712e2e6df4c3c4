//! English texts of every problem.

use super::Problem;

pub fn text(problem: &Problem) -> String {
    use Problem::*;
    match problem {
        UnknownFileFormat => "The file is not an XLSForm this compiler can read. Save it as .xlsx, .xls, CSV or a markdown table.".into(),
        NotUtf8 => "The text file is not valid UTF-8. Save it with UTF-8 encoding.".into(),
        UnreadableWorkbook { detail } => format!("The workbook cannot be read ({detail}). Open it in a spreadsheet program and save it again as .xlsx."),
        MissingSurveySheet { similar: Some(s) } => format!("There is no sheet named `survey`; the sheet `{s}` looks like it. Rename it to `survey`."),
        MissingSurveySheet { similar: None } => "There is no sheet named `survey`. Every XLSForm needs one: add it, with at least the columns `type` and `name`.".into(),
        MisspeltSheet { found, expected } => format!("The sheet `{found}` looks like a misspelling of `{expected}`, so it is ignored. Rename it to `{expected}` if that is what it is."),
        DuplicateColumn { header } => format!("The column `{header}` appears twice. Remove or rename one of them."),
        MissingColumn { column } => format!("The column `{column}` is missing. Add it to the first row of the sheet."),
        RowWithoutType => "This row has a name or label but no type. Fill in the `type` column, or clear the row.".into(),
        RowSkipped => "This row has no type, name or label, so it is skipped.".into(),
        UnknownType { found, suggestion: Some(s) } => format!("`{found}` is not a question type. Did you mean `{s}`?"),
        UnknownType { found, suggestion: None } => format!("`{found}` is not a question type. Use one listed at xlsform.org, such as `text`, `integer` or `select_one LIST`."),
        MissingName => "This question has no name. Fill in the `name` column with a short name (letters, digits, `_`, `-`, `.`).".into(),
        InvalidName { name } => format!("`{name}` is not a valid name. Names start with a letter or `_` and contain only letters, digits, `_`, `-` and `.`, with no spaces."),
        DuplicateName { name } => format!("The name `{name}` is already used in this group. Give each question in a group its own name."),
        DuplicateNameCase { name, other } => format!("The name `{name}` differs from `{other}` in this group only by capital letters, which confuses exports. Rename one of them."),
        DuplicateRepeatName { name } => format!("Another repeat is already named `{name}`. Give each repeat its own name."),
        RepeatNamedLikeRoot { name } => format!("A repeat cannot have the form's root name `{name}`. Rename the repeat."),
        ChoiceNameWithSpace { list, name } => format!("The choice `{name}` in the list `{list}` has a space in its name, which breaks select_multiple answers. Use `_` instead."),
        OrOtherWithChoiceFilter => "`or_other` cannot be used together with a choice_filter. Add an `other` choice to the list instead.".into(),
        SeedWithoutRandomize => "A `seed` needs `randomize=true` in the same parameters.".into(),
        SearchListShared { list: name, others } => format!("The list `{name}` is used with search() here and without it by {}. Give the search() question its own list.", list(others)),
        NestingTooDeep { limit } => format!("Groups and repeats are nested more than {limit} deep here. Close some of them."),
        EmptyGroup { name } => format!("The group `{name}` shows no question (only calculations or nothing), which ODK Validate rejects. Add a visible question or remove the group."),
        ReservedName { name } => format!("The name `{name}` is reserved for form metadata. Choose another name."),
        UnexpectedEnd { found } => format!("`{found}` has no matching begin row above it. Remove it or add the begin row."),
        MismatchedEnd { expected, found } => format!("`{found}` closes a block opened with `{expected}`. Use `end_{}` here.", expected.trim_start_matches("begin_").trim_start_matches("begin ")),
        UnclosedBlock { kind, name } => format!("The {kind} `{name}` is never closed. Add an `end_{kind}` row after its last question."),
        NoLabelOrHint { name } => format!("The question `{name}` has no label or hint, so nobody would see it. Add a label."),
        RepeatWithoutLabel { name } => format!("The repeat `{name}` has no label. Add one so people know what they are adding."),
        MissingCalculation { name } => format!("The calculate `{name}` has no calculation. Fill in the `calculation` column."),
        AuditName => "An audit must be named `audit`. Leave the name column empty or write `audit`.".into(),
        UnknownParameter { name, accepted } => format!("The parameter `{name}` is not accepted here. Accepted: {}.", list(accepted)),
        InvalidParameterValue { name, value } => format!("`{value}` is not a valid value for the parameter `{name}`."),
        MalformedParameters { text } => format!("The parameters `{text}` cannot be read. Write them as `name=value` separated by spaces or semicolons."),
        BigImageWithoutImage { name } => format!("`{name}` has a big-image but no image. Add an image too."),
        DisabledColumn => "The `disabled` column is not part of XLSForm any more. Use `relevant` instead.".into(),
        UnknownChoiceList { list } => format!("There is no choice list named `{list}` on the `choices` sheet. Add it there, or correct the name."),
        MissingChoiceListName => "This choice has no list name. Fill in the `list_name` column.".into(),
        ChoiceMissingName { list } => format!("A choice in the list `{list}` has no name. Fill in the `name` column."),
        DuplicateChoice { list, name } => format!("The list `{list}` has the choice `{name}` twice. Give each choice its own name, or set `allow_choice_duplicates` to `yes` on the settings sheet."),
        ChoiceWithoutLabel { list, name } => format!("The choice `{name}` in the list `{list}` has no label. Add one."),
        MissingExternalChoices { list } => format!("The list `{list}` is not on the `external_choices` sheet. Add it there."),
        SelectWithoutList { type_name } => format!("`{type_name}` needs a list name after it, like `{type_name} yes_no`."),
        SelectFromFileExtension { file } => format!("`{file}` must end in .csv, .xml or .geojson."),
        SearchWithSelectFromFile { name } => format!("The question `{name}` uses search() with a select from file. Remove search() or use `select_one`."),
        ConflictingInstance { name } => format!("Two different files would both become the instance `{name}`. Rename one of them."),
        MissingTranslations { language, columns } => format!("The language `{language}` is missing the columns {}. Add them, or people using it will see `-`.", list(columns)),
        ExpressionSyntax { detail } => format!("The expression cannot be read: {detail}. Check brackets, quotes and operators."),
        UnknownReference { name, suggestion: Some(s) } => format!("`${{{name}}}` is not a question in this form. Did you mean `${{{s}}}`?"),
        UnknownReference { name, suggestion: None } => format!("`${{{name}}}` is not a question in this form. Correct the name."),
        AmbiguousReference { name } => format!("`${{{name}}}` could mean several questions with that name. Rename them so each name is used once."),
        UnknownFunction { name } => format!("`{name}()` is not a function ODK Collect knows. Check its spelling."),
        WrongArity { function, expected, found } => format!("`{function}()` takes {expected} argument(s), but is given {found}."),
        DependencyCycle { names } => format!("These questions depend on each other in a circle: {}. Break the circle.", names.iter().map(|n| format!("${{{n}}}")).collect::<Vec<_>>().join(" → ")),
        TriggerNotVisible { trigger, target } => format!("`${{{trigger}}}` is not shown to people, so it cannot trigger the calculation of `${{{target}}}`."),
        InvalidFormName { name } => format!("`{name}` cannot be the form's root name: it must be a valid XML name (letters, digits, `_`, `-`, `.`)."),
        EncryptionNeedsInstanceId => "An encrypted form needs its instanceID. Remove `omit_instanceID` or the `public_key`.".into(),
        EntitiesListNameMissing => "The entities sheet needs a `list_name`. Fill it in.".into(),
        EntitiesInRepeatUnsupported => "Entities created from a repeat (the `repeat` column) are not supported yet. Create one entity per submission: move the questions out of the repeat and clear the `repeat` column.".into(),
        ImageWithoutMaxPixels => "Photos are sent at full size. Add `max-pixels=1024` (or another size) in `parameters` to send faster and save storage.".into(),
        DeprecatedMetadata { type_name } => format!("`{type_name}` works only in old Collect versions on Android before 11; newer phones leave it empty."),
        TableListMismatch { expected, found } => format!("All selects in a table-list group must use one list: this one uses `{found}`, the first used `{expected}`."),
        TableListWithChoiceFilter => "A table-list group cannot filter its choices. Remove the choice_filter or the table-list appearance.".into(),
        EntitiesMultipleRows => "The entities sheet has more than one row. Only one entity list per form is supported.".into(),
        EntityLabelMissing => "A new entity needs a label. Fill in the `label` column of the entities sheet.".into(),
        EntityCreateUpdateConflict => "An entity update needs an `entity_id`. Fill it in, or remove `update_if`.".into(),
        SaveToWithoutEntities { name } => format!("`{name}` has `save_to` but the form has no entities sheet. Add one, or clear `save_to`."),
        SaveToInRepeat { name } => format!("`{name}` is inside a repeat, so it cannot be saved to an entity. Move it out of the repeat."),
        SaveToInvalid { property } => format!("`{property}` cannot be an entity property name: it must be a valid XML name and not `name` or `label`, nor start with `__`."),
        SaveToDuplicate { property } => format!("Two questions save to the entity property `{property}`. Use it once."),
    }
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
