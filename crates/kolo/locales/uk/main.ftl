## Layout
language-name = Українська
skip-to-content = Перейти до змісту
demo-banner = ДЕМО-ДАНІ: усі люди й організації тут вигадані.
nav-label = Головне меню
nav-dashboard = Головна
nav-users = Працівники
nav-account = Мій обліковий запис
logout = Вийти
footer-text = Коло — система для громадських організацій, які очолюють спільноти.

## Errors
error-title = Помилка
error-back-home = Повернутися на головну
error-unauthorized = Потрібно увійти в систему.
error-forbidden = У вас немає доступу до цієї сторінки.
error-csrf = Форма застаріла або надійшла з іншого сайту. Перезавантажте сторінку й спробуйте ще раз.
error-not-found = Такої сторінки немає.
error-method = Цю дію не можна виконати так.
error-too-large = Надіслано забагато даних.
error-too-many = Забагато запитів. Зачекайте хвилину й спробуйте ще раз.
error-internal = Сталася внутрішня помилка. Ваші дані не змінено; спробуйте ще раз або повідомте адміністраторку.
error-unknown-language = Ця мова не підтримується.

## Login
login-title = Вхід
login-name = Логін
login-password = Пароль
login-submit = Увійти
login-failed = Неправильний логін або пароль.
login-throttled = Забагато невдалих спроб входу. Зачекайте 15 хвилин і спробуйте ще раз.
login-name-length = Логін має містити від 3 до 64 символів.
login-name-characters = Логін може містити лише латинські літери, цифри, крапку, дефіс і підкреслення й має починатися з літери або цифри.

## Passwords
password-rules = Щонайменше 12 символів. Найкраще — фраза з кількох слів, яку легко запам’ятати.
password-too-short = Пароль закороткий: потрібно щонайменше 12 символів.
password-too-long = Пароль задовгий: не більше 128 символів.
password-common = Цей пароль надто поширений, його легко вгадати. Оберіть інший.
password-contains-login = Пароль не повинен містити логін.

## Dashboard
dashboard-title = Головна
dashboard-greeting = Вітаємо, { $name }! Ось що ви можете зробити далі.
dashboard-staff-title = Активні облікові записи
dashboard-roles-uncovered = Немає жодної людини з роллю: { $roles }.
dashboard-manage-users = Керувати обліковими записами
dashboard-regions-title = Області, де працює команда
dashboard-account-title = Ваш обліковий запис
dashboard-your-roles = Ваші ролі: { $roles }.

## Account
account-title = Мій обліковий запис
account-change-password = Змінити пароль
account-current-password = Поточний пароль
account-new-password = Новий пароль
account-confirm-password = Новий пароль ще раз
account-current-password-wrong = Поточний пароль неправильний.
account-password-mismatch = Паролі не збігаються.
account-password-changed = Пароль змінено. Усі інші сеанси цього облікового запису завершено.
account-tokens-title = API-токени
account-tokens-hint = Токен дає програмі доступ до API від вашого імені, з вашими правами. Надсилайте його в заголовку Authorization: Bearer.
account-token-created = Ось новий токен. Скопіюйте його зараз: більше його не буде показано.
account-token-name = Назва токена
account-token-created-at = Створено
account-token-last-used = Останнє використання
account-token-never-used = ще не використовувався
account-token-revoke = Відкликати
account-token-create = Створити токен
account-token-name-invalid = Назвіть токен (до 80 символів), щоб знати, для чого він.

## Users
users-title = Облікові записи працівників
users-new = Новий обліковий запис
users-edit = Редагування облікового запису
users-back = ← До списку облікових записів
users-display-name = Ім’я на сторінках
users-roles = Ролі
users-oblast = Область
users-oblast-national = Національний офіс (без області)
users-status = Стан
users-active = активний
users-disabled = вимкнено
users-login-hint = Латинські літери, цифри, крапка, дефіс, підкреслення. Змінити логін пізніше не можна.
users-new-password-optional = Новий пароль (залиште порожнім, щоб не змінювати)
users-disable = Вимкнути обліковий запис (усі сеанси буде завершено)
users-display-name-invalid = Вкажіть ім’я (до 100 символів).
users-role-unknown = Невідома роль.
users-roles-required = Оберіть щонайменше одну роль.
users-oblast-unknown = Невідома область.
users-password-required = Вкажіть пароль.
users-login-taken = Такий логін уже є.
users-last-admin = Це остання активна адміністраторка: спершу надайте роль адміністратора комусь іще.
users-last-admin-self = Ви — остання активна адміністраторка: спершу надайте роль адміністратора комусь іще.
users-saved = Зміни збережено.

## Forms
form-has-errors = Виправте позначені поля й надішліть форму ще раз.
form-save = Зберегти

## Roles
role-admin = Адміністратор(ка)
role-coordinator = Координатор(ка)
role-trainer = Тренер(ка)
role-monitor = Монітор(ка)
role-case_worker = Кейс-менеджер(ка)
role-viewer = Перегляд

## Audit log
nav-audit = Журнал аудиту
audit-title = Журнал аудиту
audit-hint = Кожен вхід, зміна прав, експорт і дія з ключами. Записи пов’язані ланцюжком хешів: зміну чи видалення запису виявляє команда kolo admin verify-audit.
audit-user = Хто
audit-anyone = будь-хто
audit-action = Дія (початок назви)
audit-from = З дати
audit-until = До дати (включно)
audit-filter = Показати
audit-export = Завантажити як CSV
audit-when = Коли
audit-target = Над чим
audit-address = Звідки (мережа)
audit-details = Подробиці
audit-empty = Немає записів за цими умовами.
audit-older = Старші записи
audit-bad-date = Дату треба вказати як РРРР-ММ-ДД.

## Locked server
error-locked = Сервер заблоковано: ключі шифрування запечатано паролем. Адміністраторка має увійти й розблокувати його.
unlock-title = Розблокування сервера
unlock-explain = Ключі шифрування запечатано паролем, тож жодні зашифровані дані зараз не можна ні прочитати, ні записати. Введіть пароль сховища, щоб розблокувати сервер. Після перезапуску він знову буде заблокований.
unlock-passphrase = Пароль сховища
unlock-submit = Розблокувати
unlock-wrong = Пароль неправильний. Сервер залишається заблокованим.
unlock-throttled = Забагато невдалих спроб. Зачекайте 15 хвилин.
unlock-open = Сервер розблоковано.

## Two-factor sign-in
code-title = Код підтвердження
code-explain = Введіть шестизначний код із застосунку-автентифікатора або один із резервних кодів.
code-label = Код
code-submit = Підтвердити
code-wrong = Код неправильний або вже використаний.
code-throttled = Забагато неправильних кодів. Зачекайте 15 хвилин.
two-factor-title = Двофакторний вхід
two-factor-required = Для вашої ролі потрібен двофакторний вхід. Налаштуйте його, щоб продовжити.
two-factor-explain = Відскануйте QR-код застосунком-автентифікатором (наприклад, FreeOTP, Aegis або Google Authenticator) і введіть код, який він покаже.
two-factor-qr-label = QR-код для застосунку-автентифікатора
two-factor-manual-key = Або введіть ключ уручну:
two-factor-code = Код із застосунку
two-factor-confirm = Увімкнути
two-factor-code-wrong = Код не підійшов. Перевірте час на телефоні й спробуйте новий код.
two-factor-enabled = Двофакторний вхід увімкнено.
two-factor-enabled-hint = Двофакторний вхід увімкнено. Якщо ви втратили телефон, попросіть адміністраторку скинути його.
two-factor-recovery-title = Резервні коди
two-factor-recovery-explain = Збережіть ці десять кодів у надійному місці. Кожен можна використати один раз, якщо телефону немає під рукою. Більше їх не буде показано.
two-factor-continue = Я зберегла коди — продовжити

## Security settings
nav-security = Безпека
security-title = Налаштування безпеки
security-two-factor-title = Двофакторний вхід
security-two-factor-hint = Люди з позначеними ролями мають налаштувати застосунок-автентифікатор під час наступного входу і входити з кодом.
security-two-factor-roles = Ролі, для яких він обов’язковий
security-saved = Налаштування збережено.
users-two-factor = Двофакторний вхід
users-two-factor-on = увімкнено
users-two-factor-off = не налаштовано
users-two-factor-reset = Скинути двофакторний вхід
users-two-factor-reset-hint = Якщо людина втратила телефон: після скидання вона налаштує новий застосунок під час наступного входу.
users-two-factor-was-reset = Двофакторний вхід скинуто.
security-backups-title = Резервні копії
security-last-backup = Остання резервна копія:
security-backup-overdue = Немає резервної копії за останній тиждень. Зробіть її зараз і зберігайте поза сервером.
security-backup-how = Резервну копію робить команда на сервері (шифрується паролем із KOLO_BACKUP_PASSPHRASE, а без нього — ключем резервних копій):
security-backup-key-how = Ключ резервних копій лежить поруч із даними. Збережіть його копію деінде: без неї копію, зроблену без пароля, не відновити на новому сервері.
security-keys-title = Ключі шифрування
security-keys-passphrase = Головний ключ запечатано паролем: після кожного перезапуску сервер чекає на розблокування.
security-keys-file = Головний ключ зберігається у файлі з доступом лише для власника: сервер запускається без пароля.
security-key-active = шифрує нові дані
security-key-retiring = замінений новим, ще розшифровує старі дані
security-key-retired = виведений з ужитку
security-retention-title = Строки зберігання
security-retention-hint = Скільки місяців зберігати дані кожного виду. Щодня Kolo стирає те, що зберігається довше, і записує до журналу аудиту лише кількість стертого.
security-retention-invalid = Строк зберігання має бути цілим числом місяців від 1 до 600.
retention-participant_contacts = Контакти учасниць (від останньої появи), місяців
retention-case_narratives = Описи випадків (від закриття випадку), місяців
retention-audit = Журнал аудиту, місяців
