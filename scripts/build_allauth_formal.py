"""Build locale/de/allauth-formal.po: formal ("Sie") overrides for django-allauth's German catalogue.

allauth's own German translation mostly addresses people informally ("du", "dein", "gib ... ein").
MSO-Portal addresses people formally, so every informal entry that can appear in the parts of allauth
we use (account, mfa, usersessions) is re-translated here. The file is merged into our own catalogue
when compiling:

    msgcat --use-first locale/de/LC_MESSAGES/django.po locale/de/allauth-formal.po \
        | msgfmt --check -o locale/de/LC_MESSAGES/django.mo -

Run from the project root:  .venv/bin/python scripts/build_allauth_formal.py
The script fails if an informal entry of allauth's catalogue has no formal translation below
(e.g. after an allauth upgrade), so new strings are not missed silently.
"""

import re
import sys
from pathlib import Path

import allauth
import polib

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
TARGET = ROOT / "locale" / "de" / "allauth-formal.po"

# Entries that only concern social login providers or the OIDC identity provider: not used here.
SKIP_OCCURRENCE = re.compile(r"^(templates/)?(socialaccount|idp)/")

# Informal address in German: du-pronouns, 2nd person singular verbs, du-imperatives.
INFORMAL = re.compile(
    r"\b(du|dein\w*|dich|dir|hast|kannst|musst|bist|willst|möchtest|sendest|erhältst|solltest|"
    r"gib|bestätige|klicke?|melde|prüfe|erstelle|versuche|überprüfe|habe|wähle|folge|kontaktiere|"
    r"lass|rufe|lies|nutze|verwende|sieh|öffne|ändere|entferne|speichere|trage)\b",
    re.IGNORECASE,
)

# (msgctxt, msgid) -> formal msgstr (a list for plural entries).
FORMAL = {
    (None, "You cannot remove your primary email address."):
        "Sie können Ihre primäre E-Mail-Adresse nicht entfernen.",
    (None, "Please type your current password."):
        "Bitte geben Sie Ihr aktuelles Passwort ein.",
    (None, "You cannot add more than %d email addresses."):
        "Sie können nicht mehr als %d E-Mail-Adressen hinzufügen.",
    (None, "Too many failed login attempts. Try again later."):
        "Zu viele gescheiterte Anmeldeversuche. Bitte versuchen Sie es später noch einmal.",
    (None, "Your primary email address must be verified."):
        "Ihre primäre E-Mail-Adresse muss bestätigt werden.",
    (None, "Username can not be used. Please use other username."):
        "Dieser Anmeldename kann nicht verwendet werden. Bitte wählen Sie einen anderen Namen.",
    (None, "Please select only one."):
        "Bitte wählen Sie nur eine Möglichkeit aus.",
    (None, "Be patient, you are sending too many requests."):
        "Bitte haben Sie etwas Geduld. Sie senden zu viele Anfragen.",
    (None, "You must type the same password each time."):
        "Bitte geben Sie zweimal dasselbe Passwort ein.",
    (None, "You must type the same email each time."):
        "Bitte geben Sie zweimal dieselbe E-Mail-Adresse ein.",
    (None, "Do you really want to remove the selected email address?"):
        "Möchten Sie die ausgewählte E-Mail-Adresse wirklich entfernen?",
    (None,
     "You are receiving this email because you or someone else tried to signup for an\n"
     "account using email address:\n\n%(email)s\n\n"
     "However, an account using that email address already exists.  In case you have\n"
     "forgotten about this, please use the password forgotten procedure to recover\n"
     "your account:\n\n%(password_reset_url)s"):
        "Sie erhalten diese E-Mail, weil jemand (vielleicht Sie selbst) versucht hat,\n"
        "mit dieser E-Mail-Adresse ein Konto anzulegen:\n\n%(email)s\n\n"
        "Es gibt aber schon ein Konto mit dieser E-Mail-Adresse. Falls Sie das\n"
        "vergessen haben, können Sie über „Passwort vergessen“ ein neues Passwort\n"
        "festlegen und so wieder in Ihr Konto kommen:\n\n%(password_reset_url)s",
    (None, "Thank you for using %(site_name)s!\n%(site_domain)s"):
        "Vielen Dank, dass Sie %(site_name)s nutzen!\n%(site_domain)s",
    (None, "Please Confirm Your Email Address"):
        "Bitte bestätigen Sie Ihre E-Mail-Adresse",
    (None, "Your password has been changed."):
        "Ihr Passwort wurde geändert.",
    (None,
     "You're receiving this email because you or someone else has requested a password reset "
     "for your user account.\nIt can be safely ignored if you did not request a password reset. "
     "Click the link below to reset your password."):
        "Sie erhalten diese E-Mail, weil jemand (vielleicht Sie selbst) ein neues Passwort für "
        "Ihr Konto angefordert hat.\nWenn Sie das nicht waren, können Sie diese E-Mail einfach "
        "ignorieren. Klicken Sie auf den Link unten, um Ihr Passwort zurückzusetzen.",
    (None, "In case you forgot, your username is %(username)s."):
        "Falls Sie Ihren Anmeldenamen vergessen haben: Er lautet %(username)s.",
    (None, "Your email address is still pending verification."):
        "Ihre E-Mail-Adresse ist noch nicht bestätigt.",
    (None,
     'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address for '
     "user %(user_display)s."):
        'Bitte bestätigen Sie, dass <a href="mailto:%(email)s">%(email)s</a> eine E-Mail-Adresse '
        "von %(user_display)s ist.",
    (None,
     'This email confirmation link expired or is invalid. Please <a href="%(email_url)s">issue '
     "a new email confirmation request</a>."):
        'Dieser Bestätigungslink ist abgelaufen oder ungültig. Bitte <a href="%(email_url)s">'
        "fordern Sie eine neue Bestätigungs-E-Mail an</a>.",
    (None, "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."):
        "Sie haben noch kein Konto? Dann %(link)sregistrieren Sie sich%(end_link)s bitte zuerst.",
    (None, "Are you sure you want to sign out?"):
        "Möchten Sie sich wirklich abmelden?",
    (None, "You cannot remove your primary email address (%(email)s)."):
        "Sie können Ihre primäre E-Mail-Adresse (%(email)s) nicht entfernen.",
    (None, "You have confirmed %(email)s."):
        "Sie haben die E-Mail-Adresse %(email)s bestätigt.",
    (None, "You have signed out."):
        "Sie haben sich abgemeldet.",
    (None,
     "Forgotten your password? Enter your email address below, and we'll send you an email "
     "allowing you to reset it."):
        "Passwort vergessen? Geben Sie unten Ihre E-Mail-Adresse ein. Wir schicken Ihnen dann "
        "eine E-Mail, mit der Sie Ihr Passwort zurücksetzen können.",
    (None, "Please contact us if you have any trouble resetting your password."):
        "Bitte kontaktieren Sie uns, wenn das Zurücksetzen des Passworts nicht klappt.",
    (None,
     "We have sent you an email. If you have not received it please check your spam folder. "
     "Otherwise contact us if you do not receive it in a few minutes."):
        "Wir haben Ihnen eine E-Mail geschickt. Wenn Sie sie nicht finden, sehen Sie bitte in "
        "Ihrem Spam-Ordner nach. Wenn die E-Mail nach ein paar Minuten noch nicht da ist, "
        "kontaktieren Sie uns bitte.",
    (None,
     "The password reset link was invalid, possibly because it has already been used.  Please "
     'request a <a href="%(passwd_reset_url)s">new password reset</a>.'):
        "Der Link zum Zurücksetzen des Passworts ist ungültig. Vielleicht wurde er schon "
        'benutzt. Bitte fordern Sie einen <a href="%(passwd_reset_url)s">neuen Link zum '
        "Zurücksetzen</a> an.",
    (None, "Your password is now changed."):
        "Ihr Passwort wurde geändert.",
    (None, "Your phone number is still pending verification."):
        "Ihre Telefonnummer ist noch nicht bestätigt.",
    (None, "Already have an account? Then please %(link)ssign in%(end_link)s."):
        "Sie haben schon ein Konto? Dann %(link)smelden Sie sich bitte an%(end_link)s.",
    (None, "You are already logged in as %(user_display)s."):
        "Sie sind bereits als %(user_display)s angemeldet.",
    (None,
     "You currently do not have any email address set up. You should really add an email "
     "address so you can receive notifications, reset your password, etc."):
        "Sie haben noch keine E-Mail-Adresse angegeben. Bitte fügen Sie eine E-Mail-Adresse "
        "hinzu. Nur so können wir Sie benachrichtigen, und nur so können Sie Ihr Passwort "
        "zurücksetzen.",
    (None, "Verify Your Email Address"):
        "Bestätigen Sie Ihre E-Mail-Adresse",
    (None,
     "We have sent an email to you for verification. Follow the link provided to finalize the "
     "signup process. If you do not see the verification email in your main inbox, check your "
     "spam folder. Please contact us if you do not receive the verification email within a few "
     "minutes."):
        "Wir haben Ihnen eine E-Mail geschickt, um Ihre Adresse zu bestätigen. Bitte klicken Sie "
        "auf den Link in der E-Mail, um die Registrierung abzuschließen. Wenn Sie die E-Mail nicht "
        "in Ihrem Posteingang finden, sehen Sie bitte in Ihrem Spam-Ordner nach. Wenn die E-Mail "
        "nach ein paar Minuten noch nicht da ist, kontaktieren Sie uns bitte.",
    (None,
     "This part of the site requires us to verify that\nyou are who you claim to be. For this "
     "purpose, we require that you\nverify ownership of your email address. "):
        "Für diesen Bereich der Website müssen wir sicher sein,\ndass Sie wirklich die Person "
        "sind, die Sie angeben. Bitte bestätigen Sie\ndeshalb, dass diese E-Mail-Adresse Ihnen "
        "gehört. ",
    (None,
     "We have sent an email to you for\nverification. Please click on the link inside that "
     "email. If you do not see the verification email in your main inbox, check your spam "
     "folder. Otherwise\ncontact us if you do not receive it within a few minutes."):
        "Wir haben Ihnen eine E-Mail geschickt, um Ihre\nAdresse zu bestätigen. Bitte klicken Sie "
        "auf den Link in dieser E-Mail. Wenn Sie die E-Mail nicht in Ihrem Posteingang finden, "
        "sehen Sie bitte in Ihrem Spam-Ordner nach.\nWenn die E-Mail nach ein paar Minuten noch "
        "nicht da ist, kontaktieren Sie uns bitte.",
    (None,
     '<strong>Note:</strong> you can still <a href="%(email_url)s">change your email '
     "address</a>."):
        '<strong>Hinweis:</strong> Sie können <a href="%(email_url)s">Ihre E-Mail-Adresse noch '
        "ändern</a>.",
    (None, "You are about to generate a new set of recovery codes for your account."):
        "Sie sind dabei, neue Wiederherstellungscodes für Ihr Konto zu erstellen.",
    (None, "You are about to deactivate authenticator app based authentication. Are you sure?"):
        "Sie sind dabei, die Anmeldung mit der Authenticator-App zu deaktivieren. Sind Sie sicher?",
}

# Upstream entries that are already formal but wrong (grammar, a stray quote, a wrong word).
# They are not informal; they are corrected here because they appear in the same screens/e-mails.
CORRECTIONS = {
    (None, "The new value must be different from the current one."):
        "Der neue Wert muss sich vom aktuellen Wert unterscheiden.",
    (None, "Remove"):
        "Entfernen",
    (None,
     "If you do not recognize this change then please take proper security precautions "
     "immediately. The change to your account originates from:\n\n- IP address: %(ip)s\n"
     "- Browser: %(user_agent)s\n- Date: %(timestamp)s"):
        "Wenn Sie diese Änderung nicht selbst gemacht haben, schützen Sie Ihr Konto bitte "
        "sofort, zum Beispiel mit einem neuen Passwort. Die Änderung an Ihrem Konto kam von:\n\n"
        "- IP-Adresse: %(ip)s\n- Browser: %(user_agent)s\n- Datum: %(timestamp)s",
    (None, "Your email verification code is listed below. Please enter it in your open browser window."):
        "Ihr Bestätigungscode steht unten. Bitte geben Sie ihn in Ihrem geöffneten Browserfenster ein.",
    (None,
     "Your password reset code is listed below. Please enter it in your open browser window."):
        "Ihr Code zum Zurücksetzen des Passworts steht unten. Bitte geben Sie ihn in Ihrem "
        "geöffneten Browserfenster ein.",
    (None, "Email Address"):
        "E-Mail-Adresse",
    (None, "Change Email"):
        "E-Mail-Adresse ändern",
    (None, "Added on %(created_at)s"):
        "Hinzugefügt am %(created_at)s",
}


def is_skipped(entry):
    occurrences = [path for path, _line in entry.occurrences]
    return bool(occurrences) and all(SKIP_OCCURRENCE.match(path) for path in occurrences)


def is_informal(entry):
    texts = [entry.msgstr, *entry.msgstr_plural.values()]
    # "Ich habe ..." is first person, not an informal address.
    return any(INFORMAL.search(re.sub(r"\bIch habe\b", "", t)) for t in texts)


def main():
    source = polib.pofile(str(SOURCE))
    out = polib.POFile(wrapwidth=79)
    out.metadata = {
        "Project-Id-Version": "MSO-Portal (formal German overrides for django-allauth)",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": source.metadata.get("POT-Creation-Date", ""),
        "PO-Revision-Date": "2025-01-01 00:00+0000",
        "Last-Translator": "MSO-Portal localisation",
        "Language-Team": "German",
        "Language": "de",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    out.header = (
        "Formal German (\"Sie\") translations that override django-allauth's informal German catalogue.\n"
        "Generated by scripts/build_allauth_formal.py; edit the script, not this file."
    )
    missing, used = [], set()
    for entry in source:
        if entry.obsolete or is_skipped(entry):
            continue
        key = (entry.msgctxt, entry.msgid)
        informal = is_informal(entry)
        if key in FORMAL:
            text, comment = FORMAL[key], None
        elif key in CORRECTIONS:
            text, comment = CORRECTIONS[key], "Upstream translation corrected (not an informal-address fix)."
        elif informal:
            missing.append(entry.msgid)
            continue
        else:
            continue
        used.add(key)
        new = polib.POEntry(
            msgctxt=entry.msgctxt,
            msgid=entry.msgid,
            msgid_plural=entry.msgid_plural,
            occurrences=entry.occurrences,
            flags=[f for f in entry.flags if f != "fuzzy"],
            comment=comment or "",
        )
        if entry.msgid_plural:
            new.msgstr_plural = {i: s for i, s in enumerate(text)}
        else:
            new.msgstr = text
        out.append(new)
    unused = (set(FORMAL) | set(CORRECTIONS)) - used
    if missing or unused:
        for msgid in missing:
            print("informal entry without formal translation:", repr(msgid), file=sys.stderr)
        for key in unused:
            print("translation for an msgid allauth no longer has:", repr(key), file=sys.stderr)
        return 1
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    out.save(str(TARGET))
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(out)} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
