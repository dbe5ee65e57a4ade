"""Drafts of the imprint, the privacy notice and the accessibility statement.

The city completes and checks them in the admin (Content pages) before the portal goes live: every part in
[square brackets] is a placeholder. The pages are rendered as plain text with paragraphs (`linebreaks`).
Existing pages are never overwritten; reversing the migration leaves them in place.
"""

from django.db import migrations

IMPRINT_DE = """Entwurf: Die Angaben in [eckigen Klammern] ergänzt die Stadt Hagen vor der Veröffentlichung.

Angaben nach § 5 Digitale-Dienste-Gesetz (DDG)

Das MSO-Portal wird betrieben von der
Stadt Hagen
Der Oberbürgermeister
Kommunales Integrationszentrum (KI)
[Straße und Hausnummer – von der Stadt Hagen zu ergänzen]
[Postleitzahl] Hagen

Telefon: [von der Stadt Hagen zu ergänzen]
E-Mail: [von der Stadt Hagen zu ergänzen]

Die Stadt Hagen ist eine Körperschaft des öffentlichen Rechts. Sie wird vertreten durch den Oberbürgermeister [Name – von der Stadt Hagen zu ergänzen].

Umsatzsteuer-Identifikationsnummer: [von der Stadt Hagen zu ergänzen]
Zuständige Aufsichtsbehörde: [von der Stadt Hagen zu ergänzen]

Verantwortlich für den Inhalt nach § 18 Absatz 2 Medienstaatsvertrag:
[Name und Anschrift – von der Stadt Hagen zu ergänzen]

Technischer Betrieb:
[IT-Dienstleister der Stadt Hagen – von der Stadt Hagen zu ergänzen]

Inhalte der Organisationen
Die Profile im Verzeichnis der Migrantenselbstorganisationen schreiben die Organisationen selbst. Für diese Texte sind die Organisationen verantwortlich. Das KI bestätigt, dass ihm eine Organisation bekannt ist. Es prüft aber nicht jeden Text. Wenn Ihnen ein Fehler auffällt, schreiben Sie uns bitte.

Links zu anderen Websites
Für die Inhalte anderer Websites sind deren Betreiber verantwortlich."""

IMPRINT_EN = """Draft: the City of Hagen completes the details in [square brackets] before publication.

Information according to section 5 of the German Digital Services Act (Digitale-Dienste-Gesetz, DDG)

The MSO-Portal is run by
Stadt Hagen (City of Hagen)
Der Oberbürgermeister (the Lord Mayor)
Kommunales Integrationszentrum (KI, municipal integration centre)
[Street and number – to be completed by the City of Hagen]
[Postcode] Hagen, Germany

Phone: [to be completed by the City of Hagen]
E-mail: [to be completed by the City of Hagen]

The City of Hagen is a public-law corporation. It is represented by the Lord Mayor [name – to be completed by the City of Hagen].

VAT identification number: [to be completed by the City of Hagen]
Supervisory authority: [to be completed by the City of Hagen]

Responsible for the content according to section 18 (2) of the German Interstate Media Treaty (Medienstaatsvertrag):
[Name and address – to be completed by the City of Hagen]

Technical operation:
[IT service provider of the City of Hagen – to be completed by the City of Hagen]

Content of the organisations
The organisations write their profiles in the directory of migrant organisations themselves and are responsible for these texts. The KI confirms that it knows an organisation, but it does not check every text. If you notice a mistake, please write to us.

Links to other websites
The operators of other websites are responsible for their content.

The German version of this page is the legally binding one."""

PRIVACY_DE = """Informationen nach Artikel 13 Datenschutz-Grundverordnung (DSGVO)

Entwurf: Die Angaben in [eckigen Klammern] ergänzt die Stadt Hagen vor der Veröffentlichung. Die behördliche Datenschutzbeauftragte oder der behördliche Datenschutzbeauftragte der Stadt prüft den Text.

1. Wer ist verantwortlich?
Stadt Hagen, Der Oberbürgermeister, Kommunales Integrationszentrum (KI)
[Anschrift, Telefon und E-Mail – von der Stadt Hagen zu ergänzen]

2. Wie erreichen Sie die Datenschutzbeauftragte oder den Datenschutzbeauftragten?
[Name, Anschrift und E-Mail der oder des behördlichen Datenschutzbeauftragten der Stadt Hagen – von der Stadt Hagen zu ergänzen]

3. Welche Daten verarbeiten wir, wofür und auf welcher Rechtsgrundlage?
a) Ihr Besuch der Website: Der Server verarbeitet technisch notwendige Daten, zum Beispiel Ihre IP-Adresse, Datum und Uhrzeit und die aufgerufene Seite. Wir brauchen diese Daten, um die Seiten auszuliefern und um das Portal vor Angriffen zu schützen. Rechtsgrundlage: Artikel 6 Absatz 1 Buchstabe e DSGVO in Verbindung mit § 3 Datenschutzgesetz Nordrhein-Westfalen (DSG NRW).
b) Ihr Benutzerkonto: Name, E-Mail-Adresse, Passwort (wir speichern es nur in unlesbar gemachter Form), bevorzugte Sprache und bei Beschäftigten des KI die Daten für die Zwei-Faktor-Anmeldung. Wir brauchen diese Daten, damit Sie sich anmelden können und damit wir Ihnen Nachrichten zu Ihrer Organisation schicken können. Rechtsgrundlage: Artikel 6 Absatz 1 Buchstabe e DSGVO in Verbindung mit § 3 DSG NRW und [Rechtsgrundlage der Aufgaben des KI – von der Stadt Hagen zu ergänzen].
c) Ihre Organisation: Profil, Mitglieder mit ihrer Rolle im Vorstand, Einladungen, hochgeladene Dokumente (zum Beispiel Satzung oder Freistellungsbescheid) und die Änderungsgeschichte des Profils. Das KI braucht diese Daten, um Organisationen zu beraten, sie als bekannt zu bestätigen und später Anträge zu bearbeiten. Rechtsgrundlage: wie unter b.
d) Das öffentliche Verzeichnis: Name, Rechtsform und Stadtbezirk einer aktiven Organisation sind öffentlich. Weitere Angaben zeigen wir nur, wenn der Vorstand sie für die Veröffentlichung ausgewählt hat. Den Namen einer Kontaktperson zeigen wir nur, wenn diese Person zugestimmt hat. Rechtsgrundlage: Ihre Einwilligung, Artikel 6 Absatz 1 Buchstabe a DSGVO.

4. Besonders geschützte Daten
Angaben im Profil können etwas über religiöse Überzeugungen oder die ethnische Herkunft verraten (Artikel 9 DSGVO). Solche Angaben veröffentlichen wir nur mit Ihrer ausdrücklichen Einwilligung (Artikel 9 Absatz 2 Buchstabe a DSGVO). Sie können die Einwilligung jederzeit widerrufen: Entfernen Sie das Feld aus der Auswahl für die Veröffentlichung oder schreiben Sie uns. Der Widerruf gilt für die Zukunft. Wir speichern keine Angaben zur Herkunft oder Migrationsgeschichte einzelner Mitglieder.

5. Cookies, Schriften und Dienste anderer Anbieter
Wir setzen nur Cookies, die für das Portal technisch notwendig sind: für die Anmeldung, für den Schutz von Formularen und für die gewählte Sprache (§ 25 Absatz 2 Nummer 2 Telekommunikation-Digitale-Dienste-Datenschutz-Gesetz). Wir verwenden keine Analyse- oder Werbedienste und kein Tracking. Schriften, Skripte und Stylesheets liefert unser eigener Server aus. Ihr Browser lädt nichts von anderen Anbietern.

6. Wer erhält Ihre Daten?
Die Beschäftigten des KI, soweit sie die Daten für ihre Aufgaben brauchen. Der technische Betrieb erfolgt durch [IT-Dienstleister – von der Stadt Hagen zu ergänzen] im Auftrag der Stadt (Artikel 28 DSGVO). Angaben, die Ihre Organisation veröffentlicht hat, sieht jede Person, die das Verzeichnis aufruft. Wir übermitteln keine Daten in Länder außerhalb der Europäischen Union.

7. Wie lange speichern wir Ihre Daten?
Server-Protokolle: [Frist – von der Stadt Hagen zu ergänzen]. Benutzerkonto: bis Sie es löschen lassen. Daten Ihrer Organisation: solange die Organisation im Portal registriert ist; danach nach den Aufbewahrungsfristen der Stadt Hagen [Fristen – von der Stadt Hagen zu ergänzen]. Abgelaufene Einladungen: [Frist – von der Stadt Hagen zu ergänzen].

8. Ihre Rechte
Sie haben das Recht auf Auskunft (Artikel 15 DSGVO), auf Berichtigung (Artikel 16), auf Löschung (Artikel 17), auf Einschränkung der Verarbeitung (Artikel 18), auf Datenübertragbarkeit (Artikel 20, soweit die Verarbeitung auf Ihrer Einwilligung beruht) und auf Widerspruch (Artikel 21). Eine Einwilligung können Sie jederzeit für die Zukunft widerrufen (Artikel 7 Absatz 3). Schreiben Sie dazu an das KI oder an die Datenschutzbeauftragte oder den Datenschutzbeauftragten.

9. Beschwerde bei der Aufsichtsbehörde
Sie können sich bei der Aufsichtsbehörde beschweren (Artikel 77 DSGVO):
Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW)
Kavalleriestraße 2–4, 40213 Düsseldorf
Telefon: 0211 38424-0
E-Mail: poststelle@ldi.nrw.de
Internet: www.ldi.nrw.de

10. Müssen Sie Daten angeben?
Sie müssen das Portal nicht nutzen. Ohne Benutzerkonto können Sie sich aber nicht anmelden; ohne Angaben zur Organisation kann das KI sie nicht bestätigen. Wir treffen keine automatisierten Entscheidungen im Sinne von Artikel 22 DSGVO."""

PRIVACY_EN = """Information according to Article 13 of the General Data Protection Regulation (GDPR)

Draft: the City of Hagen completes the details in [square brackets] before publication. The city's data protection officer checks this text.

1. Who is responsible?
Stadt Hagen (City of Hagen), Der Oberbürgermeister, Kommunales Integrationszentrum (KI)
[Address, phone and e-mail – to be completed by the City of Hagen]

2. How can you reach the data protection officer?
[Name, address and e-mail of the City of Hagen's data protection officer – to be completed by the City of Hagen]

3. Which data do we process, for what, and on which legal basis?
a) Your visit to the website: the server processes technically necessary data, for example your IP address, the date and time and the page you open. We need these data to deliver the pages and to protect the portal against attacks. Legal basis: Article 6 (1) (e) GDPR together with section 3 of the North Rhine-Westphalia Data Protection Act (DSG NRW).
b) Your user account: name, e-mail address, password (stored only in a form that cannot be read back), preferred language and, for KI staff, the data for two-factor login. We need these data so that you can log in and so that we can send you messages about your organisation. Legal basis: Article 6 (1) (e) GDPR together with section 3 DSG NRW and [legal basis of the KI's tasks – to be completed by the City of Hagen].
c) Your organisation: profile, members with their role on the board, invitations, uploaded documents (for example statutes or the tax office notice) and the change history of the profile. The KI needs these data to advise organisations, to confirm them as known and, later, to process applications. Legal basis: as under b.
d) The public directory: the name, legal form and district of an active organisation are public. We show further details only if the board has chosen them for publication. We show the name of a contact person only if this person has agreed. Legal basis: your consent, Article 6 (1) (a) GDPR.

4. Specially protected data
Details in a profile can reveal religious beliefs or ethnic origin (Article 9 GDPR). We publish such details only with your explicit consent (Article 9 (2) (a) GDPR). You can withdraw your consent at any time: remove the field from the selection for publication or write to us. The withdrawal applies to the future. We do not store the origin or migration history of individual members.

5. Cookies, fonts and services of other providers
We only set cookies that the portal technically needs: for logging in, for protecting forms and for your chosen language (section 25 (2) no. 2 of the German Telecommunications Digital Services Data Protection Act, TDDDG). We do not use analytics or advertising services and no tracking. Our own server delivers fonts, scripts and style sheets. Your browser does not load anything from other providers.

6. Who receives your data?
The KI's staff, as far as they need the data for their tasks. The portal is operated technically by [IT service provider – to be completed by the City of Hagen] on behalf of the city (Article 28 GDPR). Details that your organisation has published can be seen by anybody who opens the directory. We do not transfer data to countries outside the European Union.

7. How long do we keep your data?
Server logs: [period – to be completed by the City of Hagen]. User account: until you ask us to delete it. Data of your organisation: as long as the organisation is registered in the portal; after that according to the City of Hagen's retention periods [periods – to be completed by the City of Hagen]. Expired invitations: [period – to be completed by the City of Hagen].

8. Your rights
You have the right of access (Article 15 GDPR), to rectification (Article 16), to erasure (Article 17), to restriction of processing (Article 18), to data portability (Article 20, where the processing is based on your consent) and to object (Article 21). You can withdraw a consent at any time for the future (Article 7 (3)). Please write to the KI or to the data protection officer.

9. Complaint to the supervisory authority
You can complain to the supervisory authority (Article 77 GDPR):
Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen (LDI NRW, the data protection commissioner of North Rhine-Westphalia)
Kavalleriestraße 2–4, 40213 Düsseldorf, Germany
Phone: +49 211 38424-0
E-mail: poststelle@ldi.nrw.de
Web: www.ldi.nrw.de

10. Do you have to provide data?
You do not have to use the portal. Without a user account, however, you cannot log in; without details about your organisation, the KI cannot confirm it. We do not make automated decisions within the meaning of Article 22 GDPR.

The German version of this page is the legally binding one."""

ACCESSIBILITY_DE = """Entwurf: Die Angaben in [eckigen Klammern] ergänzt die Stadt Hagen vor der Veröffentlichung.

Die Stadt Hagen möchte, dass alle Menschen das MSO-Portal gut nutzen können. Diese Erklärung gilt für das MSO-Portal unter [Internetadresse – von der Stadt Hagen zu ergänzen]. Rechtsgrundlage ist § 10b Behindertengleichstellungsgesetz Nordrhein-Westfalen (BGG NRW) mit der Barrierefreie-Informationstechnik-Verordnung NRW (BITV NRW). Maßstab sind die Anforderungen der BITV 2.0 und der europäischen Norm EN 301 549, also die Web Content Accessibility Guidelines (WCAG) 2.1 auf Stufe AA.

Wie barrierefrei ist das Portal?
Das Portal ist teilweise barrierefrei. Es erfüllt die Anforderungen noch nicht vollständig. Die Gründe stehen im nächsten Abschnitt.

Was ist noch nicht barrierefrei?
[Ergebnis der Prüfung – von der Stadt Hagen zu ergänzen.] Bekannt ist bisher:
– Es gibt noch keine Informationen in Leichter Sprache und in Deutscher Gebärdensprache.
– Dokumente, die Organisationen hochladen (zum Beispiel Satzungen als PDF), prüfen wir nicht auf Barrierefreiheit.
– [Weitere bekannte Einschränkungen – von der Stadt Hagen zu ergänzen.]

Wie ist diese Erklärung entstanden?
Die Erklärung beruht auf [Selbstbewertung oder Prüfung durch Dritte – von der Stadt Hagen zu ergänzen] vom [Datum]. Sie wurde am [Datum] erstellt und zuletzt am [Datum] überprüft.

Barrieren melden und Rückmeldung geben
Ist Ihnen etwas aufgefallen, das Sie nicht nutzen können? Oder brauchen Sie eine Information in einer anderen Form? Dann schreiben Sie bitte eine E-Mail an das Kommunale Integrationszentrum: [E-Mail-Adresse des KI – von der Stadt Hagen zu ergänzen]. Die Kontaktdaten des KI stehen auch unten auf jeder Seite. Bitte beschreiben Sie kurz, auf welcher Seite das Problem war. Wir antworten Ihnen so schnell wie möglich.

Schlichtungsverfahren (Durchsetzungsverfahren)
Wenn Sie keine Antwort bekommen oder mit der Antwort nicht zufrieden sind, können Sie sich an die Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen wenden (§§ 10d, 10e BGG NRW, §§ 9 ff. BITV NRW). Die Ombudsstelle ist bei der Beauftragten der Landesregierung für Menschen mit Behinderung angesiedelt. Das Verfahren ist kostenlos. Sie brauchen keinen Anwalt und keine Anwältin.
Kontakt: [Anschrift, E-Mail und Telefon der Ombudsstelle – vor der Veröffentlichung auf www.lbbp.nrw.de/ombudsstelle prüfen und ergänzen]"""

ACCESSIBILITY_EN = """Draft: the City of Hagen completes the details in [square brackets] before publication.

The City of Hagen wants everybody to be able to use the MSO-Portal well. This statement applies to the MSO-Portal at [web address – to be completed by the City of Hagen]. The legal basis is section 10b of the North Rhine-Westphalia Disability Equality Act (BGG NRW) with the North Rhine-Westphalia Accessible Information Technology Ordinance (BITV NRW). The standard is the requirements of BITV 2.0 and of the European standard EN 301 549, that is the Web Content Accessibility Guidelines (WCAG) 2.1 at level AA.

How accessible is the portal?
The portal is partially conformant. It does not yet meet all requirements. The reasons are listed in the next section.

What is not accessible yet?
[Result of the assessment – to be completed by the City of Hagen.] Known so far:
– There is no information in Easy Language (Leichte Sprache) or in German Sign Language yet.
– We do not check documents that organisations upload (for example statutes as PDF) for accessibility.
– [Further known limitations – to be completed by the City of Hagen.]

How was this statement prepared?
The statement is based on [self-assessment or assessment by a third party – to be completed by the City of Hagen] of [date]. It was prepared on [date] and last reviewed on [date].

Report barriers and give feedback
Have you found something you cannot use? Or do you need information in another form? Then please send an e-mail to the Kommunales Integrationszentrum: [e-mail address of the KI – to be completed by the City of Hagen]. The KI's contact details are also at the bottom of every page. Please tell us briefly on which page the problem occurred. We will answer as soon as possible.

Enforcement procedure
If you do not receive an answer or are not satisfied with it, you can contact the Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen (the ombudsperson for accessible IT of North Rhine-Westphalia; sections 10d and 10e BGG NRW, sections 9 ff. BITV NRW). The ombudsperson's office belongs to the state government's commissioner for people with disabilities. The procedure is free of charge. You do not need a lawyer.
Contact: [address, e-mail and phone of the Ombudsstelle – check on www.lbbp.nrw.de/ombudsstelle and complete before publication]

The German version of this page is the legally binding one."""

PAGES = [
    ("imprint", "Impressum", IMPRINT_DE, "Imprint", IMPRINT_EN),
    ("privacy", "Datenschutzerklärung", PRIVACY_DE, "Privacy notice", PRIVACY_EN),
    ("accessibility", "Erklärung zur Barrierefreiheit", ACCESSIBILITY_DE, "Accessibility statement", ACCESSIBILITY_EN),
]


def create_pages(apps, schema_editor):
    ContentPage = apps.get_model("accounts", "ContentPage")
    for slug, title_de, body_de, title_en, body_en in PAGES:
        ContentPage.objects.get_or_create(
            slug=slug, defaults={"title_de": title_de, "body_de": body_de, "title_en": title_en, "body_en": body_en}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
