## Layout
language-name = English
skip-to-content = Skip to content
demo-banner = DEMO DATA: every person and organisation here is fictional.
nav-label = Main menu
nav-dashboard = Home
nav-users = Staff
nav-account = My account
logout = Log out
footer-text = Kolo: a system for community-led organisations.

## Errors
error-title = Error
error-back-home = Back to the home page
error-unauthorized = Please sign in.
error-forbidden = You do not have access to this page.
error-csrf = The form has expired or came from another site. Reload the page and try again.
error-not-found = There is no such page.
error-method = This action cannot be done this way.
error-too-large = Too much data was sent.
error-too-many = Too many requests. Wait a minute and try again.
error-internal = Something went wrong inside Kolo. Your data was not changed; try again or tell your administrator.
error-unknown-language = This language is not supported.

## Login
login-title = Sign in
login-name = Login
login-password = Password
login-submit = Sign in
login-failed = The login or password is wrong.
login-throttled = Too many failed attempts. Wait 15 minutes and try again.
login-name-length = A login has 3 to 64 characters.
login-name-characters = A login may hold only Latin letters, digits, dot, hyphen and underscore, and starts with a letter or digit.

## Passwords
password-rules = At least 12 characters. A phrase of a few words that is easy to remember works best.
password-too-short = The password is too short: it needs at least 12 characters.
password-too-long = The password is too long: at most 128 characters.
password-common = This password is too common and easy to guess. Choose another.
password-contains-login = The password must not contain the login.

## Dashboard
dashboard-title = Home
dashboard-greeting = Welcome, { $name }! Here is what you can do next.
dashboard-staff-title = Active accounts
dashboard-roles-uncovered = Nobody holds the role: { $roles }.
dashboard-manage-users = Manage accounts
dashboard-regions-title = Oblasts where the team works
dashboard-account-title = Your account
dashboard-your-roles = Your roles: { $roles }.

## Account
account-title = My account
account-change-password = Change password
account-current-password = Current password
account-new-password = New password
account-confirm-password = New password again
account-current-password-wrong = The current password is wrong.
account-password-mismatch = The passwords differ.
account-password-changed = Password changed. Every other session of this account has ended.
account-tokens-title = API tokens
account-tokens-hint = A token lets a program use the API on your behalf, with your permissions. Send it in the Authorization: Bearer header.
account-token-created = Here is the new token. Copy it now: it will not be shown again.
account-token-name = Token name
account-token-created-at = Created
account-token-last-used = Last used
account-token-never-used = not used yet
account-token-revoke = Revoke
account-token-create = Create token
account-token-name-invalid = Give the token a name (up to 80 characters) so you know what it is for.

## Users
users-title = Staff accounts
users-new = New account
users-edit = Edit account
users-back = ← Back to the accounts
users-display-name = Name shown on pages
users-roles = Roles
users-oblast = Oblast
users-oblast-national = National office (no oblast)
users-status = Status
users-active = active
users-disabled = disabled
users-login-hint = Latin letters, digits, dot, hyphen, underscore. The login cannot be changed later.
users-new-password-optional = New password (leave empty to keep the current one)
users-disable = Disable the account (ends all its sessions)
users-display-name-invalid = Give a name (up to 100 characters).
users-role-unknown = Unknown role.
users-roles-required = Choose at least one role.
users-oblast-unknown = Unknown oblast.
users-password-required = Give a password.
users-login-taken = This login is taken.
users-last-admin = This is the last active administrator: give the admin role to someone else first.
users-last-admin-self = You are the last active administrator: give the admin role to someone else first.
users-saved = Changes saved.

## Forms
form-has-errors = Correct the marked fields and send the form again.
form-save = Save

## Roles
role-admin = Administrator
role-coordinator = Coordinator
role-trainer = Trainer
role-monitor = Monitor
role-case_worker = Case worker
role-viewer = Viewer

## Audit log
nav-audit = Audit log
audit-title = Audit log
audit-hint = Every sign-in, change of permissions, export and key operation. Entries are chained by hashes: kolo admin verify-audit detects an entry changed or deleted.
audit-user = Who
audit-anyone = anyone
audit-action = Action (start of its name)
audit-from = From
audit-until = Until (inclusive)
audit-filter = Show
audit-export = Download as CSV
audit-when = When
audit-target = On what
audit-address = From (network)
audit-details = Details
audit-empty = No entries match.
audit-older = Older entries
audit-bad-date = Give dates as YYYY-MM-DD.

## Locked server
error-locked = The server is locked: its encryption keys are sealed by a passphrase. An administrator must sign in and unlock it.
unlock-title = Unlock the server
unlock-explain = The encryption keys are sealed by a passphrase, so no encrypted data can be read or written now. Give the vault passphrase to unlock the server. It locks again when it restarts.
unlock-passphrase = Vault passphrase
unlock-submit = Unlock
unlock-wrong = The passphrase is wrong. The server stays locked.
unlock-throttled = Too many failed attempts. Wait 15 minutes.
unlock-open = The server is unlocked.

## Two-factor sign-in
code-title = Confirmation code
code-explain = Enter the six-digit code from your authenticator app, or one of your recovery codes.
code-label = Code
code-submit = Confirm
code-wrong = The code is wrong or was already used.
code-throttled = Too many wrong codes. Wait 15 minutes.
two-factor-title = Two-factor sign-in
two-factor-required = Your role requires two-factor sign-in. Set it up to continue.
two-factor-explain = Scan the QR code with an authenticator app (for example FreeOTP, Aegis or Google Authenticator) and enter the code it shows.
two-factor-qr-label = QR code for the authenticator app
two-factor-manual-key = Or enter the key by hand:
two-factor-code = Code from the app
two-factor-confirm = Turn on
two-factor-code-wrong = The code did not match. Check the phone's clock and try a fresh code.
two-factor-enabled = Two-factor sign-in is on.
two-factor-enabled-hint = Two-factor sign-in is on. If you lose your phone, ask an administrator to reset it.
two-factor-recovery-title = Recovery codes
two-factor-recovery-explain = Keep these ten codes somewhere safe. Each works once, when your phone is not at hand. They will not be shown again.
two-factor-continue = I saved the codes — continue

## Security settings
nav-security = Security
security-title = Security settings
security-two-factor-title = Two-factor sign-in
security-two-factor-hint = People with the ticked roles must set up an authenticator app at their next sign-in and sign in with a code.
security-two-factor-roles = Roles that require it
security-saved = Settings saved.
users-two-factor = Two-factor sign-in
users-two-factor-on = on
users-two-factor-off = not set up
users-two-factor-reset = Reset two-factor sign-in
users-two-factor-reset-hint = If the person lost their phone: after a reset they set up a new app at their next sign-in.
users-two-factor-was-reset = Two-factor sign-in was reset.
security-backups-title = Backups
security-last-backup = Last backup:
security-backup-overdue = There is no backup from the last week. Make one now and keep it away from the server.
security-backup-how = A command on the server makes the backup (encrypted with the passphrase in KOLO_BACKUP_PASSPHRASE, or else with the backup key):
security-backup-key-how = The backup key lies beside the data. Keep a copy of it elsewhere: without it a backup made without a passphrase cannot be restored on a new server.
security-keys-title = Encryption keys
security-keys-passphrase = The master key is sealed by a passphrase: after every restart the server waits to be unlocked.
security-keys-file = The master key is kept in a file only its owner can read: the server starts without a passphrase.
security-key-active = encrypts new data
security-key-retiring = replaced by a newer key, still decrypts older data
security-key-retired = retired
security-retention-title = Retention
security-retention-hint = How many months each kind of data is kept. Every day Kolo erases what has been kept longer, and records in the audit log only how much it erased.
security-retention-invalid = A retention period is a whole number of months from 1 to 600.
retention-participant_contacts = Participants' contact details (from when last seen), months
retention-case_narratives = Case narratives (from the case's closing), months
retention-audit = Audit log, months
