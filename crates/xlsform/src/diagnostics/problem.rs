//! Every kind of problem the compiler reports, with the data its message needs.

/// What is wrong. Each variant has an English and a Ukrainian text (`en.rs`, `uk.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    // Reading the workbook.
    UnknownFileFormat,
    NotUtf8,
    UnreadableWorkbook {
        detail: String,
    },
    WorkbookTooLarge {
        what: String,
    },
    MissingSurveySheet {
        similar: Option<String>,
    },
    MisspeltSheet {
        found: String,
        expected: String,
    },
    DuplicateColumn {
        header: String,
    },
    MissingColumn {
        column: String,
    },
    // Rows of the survey sheet.
    RowWithoutType,
    RowSkipped,
    UnknownType {
        found: String,
        suggestion: Option<String>,
    },
    MissingName,
    InvalidName {
        name: String,
    },
    DuplicateName {
        name: String,
    },
    DuplicateNameCase {
        name: String,
        other: String,
    },
    DuplicateRepeatName {
        name: String,
    },
    RepeatNamedLikeRoot {
        name: String,
    },
    ChoiceNameWithSpace {
        list: String,
        name: String,
    },
    OrOtherWithChoiceFilter,
    SeedWithoutRandomize,
    SearchListShared {
        list: String,
        others: Vec<String>,
    },
    EmptyGroup {
        name: String,
    },
    NestingTooDeep {
        limit: usize,
    },
    ReservedName {
        name: String,
    },
    UnexpectedEnd {
        found: String,
    },
    MismatchedEnd {
        expected: String,
        found: String,
    },
    UnclosedBlock {
        kind: String,
        name: String,
    },
    NoLabelOrHint {
        name: String,
    },
    RepeatWithoutLabel {
        name: String,
    },
    MissingCalculation {
        name: String,
    },
    AuditName,
    UnknownParameter {
        name: String,
        accepted: Vec<String>,
    },
    InvalidParameterValue {
        name: String,
        value: String,
    },
    MalformedParameters {
        text: String,
    },
    BigImageWithoutImage {
        name: String,
    },
    DisabledColumn,
    // Choices.
    UnknownChoiceList {
        list: String,
    },
    MissingChoiceListName,
    ChoiceMissingName {
        list: String,
    },
    DuplicateChoice {
        list: String,
        name: String,
    },
    ChoiceWithoutLabel {
        list: String,
        name: String,
    },
    MissingExternalChoices {
        list: String,
    },
    SelectWithoutList {
        type_name: String,
    },
    SelectFromFileExtension {
        file: String,
    },
    SearchWithSelectFromFile {
        name: String,
    },
    ConflictingInstance {
        name: String,
    },
    // Translations.
    MissingTranslations {
        language: String,
        columns: Vec<String>,
    },
    // Expressions.
    ExpressionSyntax {
        detail: String,
    },
    UnknownReference {
        name: String,
        suggestion: Option<String>,
    },
    AmbiguousReference {
        name: String,
    },
    UnknownFunction {
        name: String,
    },
    WrongArity {
        function: String,
        expected: String,
        found: usize,
    },
    DependencyCycle {
        names: Vec<String>,
    },
    TriggerNotVisible {
        trigger: String,
        target: String,
    },
    // Settings.
    InvalidFormName {
        name: String,
    },
    EncryptionNeedsInstanceId,
    // Entities.
    EntitiesListNameMissing,
    EntitiesMultipleRows,
    TableListMismatch {
        expected: String,
        found: String,
    },
    TableListWithChoiceFilter,
    ImageWithoutMaxPixels,
    DeprecatedMetadata {
        type_name: String,
    },
    EntityLabelMissing,
    EntityCreateUpdateConflict,
    SaveToWithoutEntities {
        name: String,
    },
    SaveToInvalid {
        property: String,
    },
    SaveToDuplicate {
        property: String,
    },
    UnknownEntitiesColumn {
        column: String,
    },
    EntityListNameInvalid {
        name: String,
    },
    EntityRepeatUnknown {
        value: String,
    },
    EntityAcrossRepeats {
        name: String,
        repeat: String,
    },
    SaveToOnGroup {
        name: String,
    },
    TriggerNotReference {
        value: String,
    },
    UnsupportedXPath {
        construct: String,
    },
    ExternalSelectWithoutFilter,
    UnknownMediaType {
        column: String,
    },
    AuditLocationIncomplete,
    AuditMaxAgeBelowInterval,
    BackgroundGeopointWithoutTrigger {
        name: String,
    },
    BackgroundGeopointCalculation {
        name: String,
    },
    LanguagesWithoutCode {
        languages: Vec<String>,
    },
    RangeStepInvalid {
        step: String,
    },
    ReferenceGeometryUnknown {
        value: String,
    },
    UnknownOsmList {
        list: String,
    },
}
