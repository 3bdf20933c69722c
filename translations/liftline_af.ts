<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="af_ZA">
<context>
    <name>AgentPicker</name>
    <message>
        <source>%1 (busy)</source>
        <translation>%1 (besig)</translation>
    </message>
    <message>
        <source>%1 (on a break)</source>
        <translation>%1 (met pouse)</translation>
    </message>
    <message>
        <source>No agent is online to give this conversation to.</source>
        <translation>Geen agent is aanlyn om hierdie gesprek aan te gee nie.</translation>
    </message>
    <message>
        <source>Give this conversation to:</source>
        <translation>Gee hierdie gesprek aan:</translation>
    </message>
    <message>
        <source>The agents online could not be read: %1</source>
        <translation>Die agente aanlyn kon nie gelees word nie: %1</translation>
    </message>
</context>
<context>
    <name>ApiClient</name>
    <message>
        <source>The server did not answer in time. Check the connection and try again.</source>
        <translation>Die bediener het nie betyds geantwoord nie. Kontroleer die verbinding en probeer weer.</translation>
    </message>
    <message>
        <source>The server cannot be reached (%1).</source>
        <translation>Die bediener is nie bereikbaar nie (%1).</translation>
    </message>
    <message>
        <source>The server answered with something that is not Liftline&apos;s API (HTTP %1). Check the server address.</source>
        <translation>Die bediener het geantwoord met iets wat nie Liftline se API is nie (HTTP %1). Kontroleer die bedieneradres.</translation>
    </message>
    <message>
        <source>The server refused the request (HTTP %1).</source>
        <translation>Die bediener het die versoek geweier (HTTP %1).</translation>
    </message>
</context>
<context>
    <name>AudioPlayer</name>
    <message>
        <source>This computer cannot play %1 recordings (GStreamer&apos;s base plugins, gstreamer1.0-plugins-base, are not installed): use Open or Save as… instead</source>
        <translation>Hierdie rekenaar kan nie %1-opnames speel nie (GStreamer se basiese inproppe, gstreamer1.0-plugins-base, is nie geïnstalleer nie): gebruik eerder Maak oop of Stoor as…</translation>
    </message>
    <message>
        <source>these</source>
        <translation>hierdie</translation>
    </message>
    <message>
        <source>This computer cannot play %1 recordings (GStreamer&apos;s plugins for them are not installed): use Open or Save as… instead</source>
        <translation>Hierdie rekenaar kan nie %1-opnames speel nie (GStreamer se inproppe daarvoor is nie geïnstalleer nie): gebruik eerder Maak oop of Stoor as…</translation>
    </message>
    <message>
        <source>The recording cannot be played: %1</source>
        <translation>Die opname kan nie gespeel word nie: %1</translation>
    </message>
    <message>
        <source>The recording cannot be played: no temporary folder is available</source>
        <translation>Die opname kan nie gespeel word nie: geen tydelike vouer is beskikbaar nie</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <source>Back</source>
        <translation>Terug</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Stuur</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Erken</translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation>Handel af…</translation>
    </message>
    <message>
        <source>Invite back</source>
        <translation>Nooi terug</translation>
    </message>
    <message>
        <source>Back to the conversation list</source>
        <translation>Terug na die gesprekslys</translation>
    </message>
    <message>
        <source>Send the reply</source>
        <translation>Stuur die antwoord</translation>
    </message>
    <message>
        <source>Acknowledge the agent request</source>
        <translation>Erken die versoek vir &apos;n agent</translation>
    </message>
    <message>
        <source>Resolve the ticket with a note</source>
        <translation>Handel die kaartjie af met &apos;n nota</translation>
    </message>
    <message>
        <source>Send the re-engagement template</source>
        <translation>Stuur die sjabloon om die gesprek te hervat</translation>
    </message>
    <message>
        <source>The technician&apos;s 24-hour window is closed: only a template can reach them.</source>
        <translation>Die tegnikus se 24-uur-venster is gesluit: slegs &apos;n sjabloon kan die tegnikus bereik.</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Boodskappe</translation>
    </message>
    <message>
        <source>Resolve %1</source>
        <translation>Handel %1 af</translation>
    </message>
    <message>
        <source>No conversation open</source>
        <translation>Geen gesprek oop nie</translation>
    </message>
    <message>
        <source>open</source>
        <translation>oop</translation>
    </message>
    <message>
        <source>The technician has not written yet: only a template can reach them.</source>
        <translation>Die tegnikus het nog nie geskryf nie: slegs &apos;n sjabloon kan die tegnikus bereik.</translation>
    </message>
    <message>
        <source>Window closes in %1 h %2 m</source>
        <translation>Venster sluit oor %1 h %2 min</translation>
    </message>
    <message>
        <source>Window closed: only a template can reach them.</source>
        <translation>Venster gesluit: slegs &apos;n sjabloon kan die tegnikus bereik.</translation>
    </message>
    <message>
        <source>Write a reply. Enter sends, Shift+Enter starts a new line.</source>
        <translation>Skryf &apos;n antwoord. Enter stuur, Shift+Enter begin &apos;n nuwe reël.</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>The reply is %1 characters long; WhatsApp takes at most %2. Shorten it or split it.</source>
        <translation>Die antwoord is %1 karakters lank; WhatsApp aanvaar hoogstens %2. Maak dit korter of verdeel dit.</translation>
    </message>
    <message>
        <source>Who has the request</source>
        <translation>Wie het die versoek</translation>
    </message>
    <message>
        <source>Ticket closed</source>
        <translation>Kaartjie gesluit</translation>
    </message>
    <message>
        <source>Nobody has this request yet · %1</source>
        <translation>Niemand het hierdie versoek nog nie · %1</translation>
    </message>
    <message>
        <source>%1 has it · %2, not answered yet</source>
        <translation>%1 het dit · %2, nog nie beantwoord nie</translation>
    </message>
    <message>
        <source>%1 has it</source>
        <translation>%1 het dit</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>no technician has written yet</source>
        <translation>geen tegnikus het nog geskryf nie</translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>opgelos</translation>
    </message>
    <message>
        <source>This ticket is resolved. A reply still reaches the technician, who may be on another job by now; you are asked before it goes.</source>
        <translation>Hierdie kaartjie is opgelos. ’n Antwoord bereik steeds die tegnikus, wat dalk reeds by ’n ander werk is; u word gevra voordat dit gaan.</translation>
    </message>
    <message>
        <source>Reply on a resolved ticket?</source>
        <translation>Antwoord op ’n opgeloste kaartjie?</translation>
    </message>
    <message>
        <source>%1 is resolved. Send this reply to the technician anyway?</source>
        <translation>%1 is opgelos. Stuur hierdie antwoord tog aan die tegnikus?</translation>
    </message>
    <message>
        <source>What was done (kept with the ticket). Enter resolves, Shift+Enter starts a new line.</source>
        <translation>Wat gedoen is (word by die kaartjie gehou). Enter los op, Shift+Enter begin ’n nuwe reël.</translation>
    </message>
    <message>
        <source>Resolution note</source>
        <translation>Oplossingsnota</translation>
    </message>
    <message>
        <source>Why the ticket is not resolved yet</source>
        <translation>Waarom die kaartjie nog nie opgelos is nie</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Los op</translation>
    </message>
    <message>
        <source>Write what was done before resolving: the note is kept with the ticket.</source>
        <translation>Skryf wat gedoen is voordat u oplos: die nota word by die kaartjie gehou.</translation>
    </message>
    <message>
        <source>Resolving…</source>
        <translation>Los op…</translation>
    </message>
    <message>
        <source>no technician has written yet; the lift&apos;s technicians: %1</source>
        <translation>geen tegnikus het nog geskryf nie; die hyser se tegnici: %1</translation>
    </message>
    <message>
        <source>Assign…</source>
        <translation>Wys toe…</translation>
    </message>
    <message>
        <source>Incident card</source>
        <translation>Voorvalkaart</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>Aan:</translation>
    </message>
    <message>
        <source>Assign the conversation to an agent</source>
        <translation>Wys die gesprek aan &apos;n agent toe</translation>
    </message>
    <message>
        <source>Show the incident card</source>
        <translation>Wys die voorvalkaart</translation>
    </message>
    <message>
        <source>Who the reply goes to</source>
        <translation>Na wie die antwoord gaan</translation>
    </message>
    <message>
        <source>%1 (+%2)</source>
        <translation>%1 (+%2)</translation>
    </message>
    <message>
        <source>%1, not in the registry</source>
        <translation>%1, nie in die register nie</translation>
    </message>
    <message>
        <source>%1, window closed</source>
        <translation>%1, venster gesluit</translation>
    </message>
    <message>
        <source>the technician</source>
        <translation>die tegnikus</translation>
    </message>
    <message>
        <source>Last to write: %1</source>
        <translation>Laaste om te skryf: %1</translation>
    </message>
    <message>
        <source>Assigned.</source>
        <translation>Toegewys.</translation>
    </message>
    <message>
        <source>Not assigned: %1</source>
        <translation>Nie toegewys nie: %1</translation>
    </message>
    <message>
        <source>Assign %1</source>
        <translation>Wys %1 toe</translation>
    </message>
    <message>
        <source>Contact details copied</source>
        <translation>Kontakbesonderhede gekopieer</translation>
    </message>
    <message>
        <source>The recording was not loaded: %1</source>
        <translation>Die opname is nie gelaai nie: %1</translation>
    </message>
    <message>
        <source>Open the map</source>
        <translation>Maak die kaart oop</translation>
    </message>
    <message>
        <source>Copy the contact details</source>
        <translation>Kopieer die kontakbesonderhede</translation>
    </message>
    <message>
        <source>View the photo</source>
        <translation>Bekyk die foto</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Onderbreek</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Speel</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Maak oop</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Stoor as…</translation>
    </message>
    <message>
        <source>The file was not opened: %1</source>
        <translation>Die lêer is nie oopgemaak nie: %1</translation>
    </message>
    <message>
        <source>Save the file</source>
        <translation>Stoor die lêer</translation>
    </message>
    <message>
        <source>The file was not saved: %1</source>
        <translation>Die lêer is nie gestoor nie: %1</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>Gestoor in %1</translation>
    </message>
    <message>
        <source>Attach…</source>
        <translation>Heg aan…</translation>
    </message>
    <message>
        <source>Send a photo or a document</source>
        <translation>Stuur ’n foto of ’n dokument</translation>
    </message>
    <message>
        <source>Send a photo, a recording, a video or a document, with the reply box&apos;s text as its caption. Files can also be dropped on the chat, or a picture pasted.</source>
        <translation>Stuur ’n foto, ’n opname, ’n video of ’n dokument, met die antwoordblok se teks as onderskrif. Lêers kan ook op die gesprek gelos word, of ’n prent geplak word.</translation>
    </message>
    <message>
        <source>Send a file</source>
        <translation>Stuur ’n lêer</translation>
    </message>
    <message>
        <source>Photos, recordings, videos and documents (*.jpg *.jpeg *.png *.webp *.ogg *.opus *.mp3 *.m4a *.aac *.amr *.mp4 *.3gp *.pdf *.txt *.doc *.docx *.xls *.xlsx *.ppt *.pptx);;All files (*)</source>
        <translation>Foto’s, opnames, video’s en dokumente (*.jpg *.jpeg *.png *.webp *.ogg *.opus *.mp3 *.m4a *.aac *.amr *.mp4 *.3gp *.pdf *.txt *.doc *.docx *.xls *.xlsx *.ppt *.pptx);;Alle lêers (*)</translation>
    </message>
    <message>
        <source>Open a conversation whose 24-hour window is open to send a file.</source>
        <translation>Maak ’n gesprek oop waarvan die 24-uur-venster oop is om ’n lêer te stuur.</translation>
    </message>
    <message>
        <source>%1 is %2; WhatsApp takes files of at most 100 MB.</source>
        <translation>%1 is %2; WhatsApp aanvaar lêers van hoogstens 100 MB.</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>%1 kan nie gelees word nie: %2</translation>
    </message>
    <message>
        <source>Open a conversation whose 24-hour window is open to send a picture.</source>
        <translation>Maak ’n gesprek oop waarvan die 24-uur-venster oop is om ’n prent te stuur.</translation>
    </message>
    <message>
        <source>History of this message…</source>
        <translation>Geskiedenis van hierdie boodskap…</translation>
    </message>
    <message>
        <source>Earlier incidents</source>
        <translation>Vorige voorvalle</translation>
    </message>
    <message>
        <source>Export incident…</source>
        <translation>Voer voorval uit…</translation>
    </message>
    <message>
        <source>Show the lift&apos;s and the technician&apos;s earlier incidents</source>
        <translation>Wys die hysbak se en die tegnikus se vorige voorvalle</translation>
    </message>
    <message>
        <source>Export the incident as a signed file</source>
        <translation>Voer die voorval uit as ’n ondertekende lêer</translation>
    </message>
    <message>
        <source>Saves the incident&apos;s record as the server signs it (JSON or PDF), with its SHA-256 and signature files beside it.</source>
        <translation>Stoor die voorval se rekord soos die bediener dit onderteken (JSON of PDF), met sy SHA-256- en handtekeninglêers daarnaas.</translation>
    </message>
    <message>
        <source>Earlier incidents (%1)</source>
        <translation>Vorige voorvalle (%1)</translation>
    </message>
    <message>
        <source>Exported to %1, with its .sha256 and .sig files.</source>
        <translation>Uitgevoer na %1, met sy .sha256- en .sig-lêers.</translation>
    </message>
    <message>
        <source>An export is under way: wait for it to finish.</source>
        <translation>’n Uitvoer is aan die gang: wag totdat dit klaar is.</translation>
    </message>
    <message>
        <source>Exporting %1…</source>
        <translation>Voer %1 uit…</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Reply</source>
        <translation>Antwoord</translation>
    </message>
    <message>
        <source>Write a reply. Enter sends, Shift+Enter starts a new line.</source>
        <translation>Skryf &apos;n antwoord. Enter stuur, Shift+Enter begin &apos;n nuwe reël.</translation>
    </message>
</context>
<context>
    <name>ConsoleSession</name>
    <message>
        <source>Loading unassigned messages</source>
        <translation>Laai van ongetoewysde boodskappe</translation>
    </message>
    <message>
        <source>Marking the conversation read</source>
        <translation>Merk van die gesprek as gelees</translation>
    </message>
    <message>
        <source>Loading the conversation</source>
        <translation>Laai van die gesprek</translation>
    </message>
    <message>
        <source>Loading older messages</source>
        <translation>Laai van ouer boodskappe</translation>
    </message>
    <message>
        <source>Sending on %1</source>
        <translation>Stuur op %1</translation>
    </message>
    <message>
        <source>Acknowledging</source>
        <translation>Erkenning</translation>
    </message>
    <message>
        <source>Not sent yet: %1 It is sent again as soon as the connection is back.</source>
        <translation>Nog nie gestuur nie: %1 Dit word weer gestuur sodra die verbinding terug is.</translation>
    </message>
    <message>
        <source>Sending the template</source>
        <translation>Die sjabloon stuur</translation>
    </message>
    <message>
        <source>Changing your status</source>
        <translation>Jou status verander</translation>
    </message>
    <message>
        <source>Not sent: %1 Activate the message to send it again.</source>
        <translation>Nie gestuur nie: %1 Aktiveer die boodskap om dit weer te stuur.</translation>
    </message>
    <message>
        <source>Sending a file on %1</source>
        <translation>Stuur ’n lêer op %1</translation>
    </message>
</context>
<context>
    <name>ConversationDelegate</name>
    <message>
        <source>waiting %1</source>
        <translation>wag %1</translation>
    </message>
    <message>
        <source>%1 has it %2</source>
        <translation>%1 het dit %2</translation>
    </message>
    <message>
        <source>%1 (offline?)</source>
        <translation>%1 (vanlyn?)</translation>
    </message>
</context>
<context>
    <name>ConversationListModel</name>
    <message>
        <source>%1, %2, %3</source>
        <translation>%1, %2, %3</translation>
    </message>
    <message>
        <source>Agent requested: %1</source>
        <translation>Agent versoek: %1</translation>
    </message>
    <message numerus="yes">
        <source>, %n unread</source>
        <translation>
            <numerusform>, %n ongelees</numerusform>
            <numerusform>, %n ongelees</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 has the request: %2</source>
        <translation>%1 het die versoek: %2</translation>
    </message>
    <message>
        <source>Resolved: %1</source>
        <translation>Opgelos: %1</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>escalated to supervisors at %1</source>
        <translation>na toesighouers opgeskaal by %1</translation>
    </message>
    <message>
        <source>on-call %1 not called at %2</source>
        <translation>diens %1 nie geskakel nie by %2</translation>
    </message>
    <message>
        <source>on-call %1 called out at %2</source>
        <translation>diens %1 uitgeroep by %2</translation>
    </message>
</context>
<context>
    <name>EarlierIncidentsPanel</name>
    <message>
        <source>The lift&apos;s earlier incidents</source>
        <translation>Die hysbak se vorige voorvalle</translation>
    </message>
    <message>
        <source>The technician&apos;s earlier incidents</source>
        <translation>Die tegnikus se vorige voorvalle</translation>
    </message>
    <message>
        <source>Double-click or Enter opens the incident read-only</source>
        <translation>Dubbelklik of Enter maak die voorval oop om net te lees</translation>
    </message>
    <message>
        <source>More in the history…</source>
        <translation>Meer in die geskiedenis…</translation>
    </message>
    <message>
        <source>Earlier at this lift</source>
        <translation>Vroeër by hierdie hysbak</translation>
    </message>
    <message>
        <source>Earlier at this lift (+%1)</source>
        <translation>Vroeër by hierdie hysbak (+%1)</translation>
    </message>
    <message>
        <source>Earlier with %1</source>
        <translation>Vroeër met %1</translation>
    </message>
    <message>
        <source>%1 (+%2)</source>
        <translation>%1 (+%2)</translation>
    </message>
    <message>
        <source>Nobody has written on this ticket yet.</source>
        <translation>Niemand het nog op hierdie kaartjie geskryf nie.</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Lees…</translation>
    </message>
    <message>
        <source>Not read: %1</source>
        <translation>Nie gelees nie: %1</translation>
    </message>
    <message>
        <source>open</source>
        <translation>oop</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>opgelos</translation>
    </message>
    <message>
        <source>resolved %1</source>
        <translation>opgelos %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2
opened %3 · %n message(s) · %4</source>
        <translation>
            <numerusform>%1 · %2
geopen %3 · %n boodskap · %4</numerusform>
            <numerusform>%1 · %2
geopen %3 · %n boodskappe · %4</numerusform>
        </translation>
    </message>
    <message>
        <source>No earlier incident.</source>
        <translation>Geen vorige voorval nie.</translation>
    </message>
</context>
<context>
    <name>ExportFileDialog</name>
    <message>
        <source>Signed JSON, for machines and auditors (*.json)</source>
        <translation>Ondertekende JSON, vir masjiene en ouditeure (*.json)</translation>
    </message>
    <message>
        <source>PDF, for people to read (*.pdf)</source>
        <translation>PDF, vir mense om te lees (*.pdf)</translation>
    </message>
    <message>
        <source>Export incident %1</source>
        <translation>Voer voorval %1 uit</translation>
    </message>
    <message>
        <source>Replace the export?</source>
        <translation>Vervang die uitvoer?</translation>
    </message>
    <message numerus="yes">
        <source>%1 already exists in %2. Replace it with this export?</source>
        <translation>
            <numerusform>%1 bestaan reeds in %2. Vervang dit met hierdie uitvoer?</numerusform>
            <numerusform>%1 bestaan reeds in %2. Vervang hulle met hierdie uitvoer?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FreedesktopNotifier</name>
    <message>
        <source>Open</source>
        <translation>Maak oop</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Erken</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>Opened from</source>
        <translation>Geopen vanaf</translation>
    </message>
    <message>
        <source>to</source>
        <translation>tot</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Soek</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Maak skoon</translation>
    </message>
    <message>
        <source>Older incidents</source>
        <translation>Ouer voorvalle</translation>
    </message>
    <message>
        <source>Open read-only</source>
        <translation>Maak oop om te lees</translation>
    </message>
    <message>
        <source>Incident history</source>
        <translation>Voorvalgeskiedenis</translation>
    </message>
    <message>
        <source>Words said, e.g. E42, &quot;two people&quot;, fault -again</source>
        <translation>Woorde gesê, bv. E42, &quot;twee mense&quot;, fout -weer</translation>
    </message>
    <message>
        <source>Words said in the incident</source>
        <translation>Woorde wat in die voorval gesê is</translation>
    </message>
    <message>
        <source>The lift&apos;s SIM number</source>
        <translation>Die hysbak se SIM-nommer</translation>
    </message>
    <message>
        <source>Part of the site&apos;s or building&apos;s name</source>
        <translation>Deel van die perseel of gebou se naam</translation>
    </message>
    <message>
        <source>Site or building</source>
        <translation>Perseel of gebou</translation>
    </message>
    <message>
        <source>Part of the name, or the number</source>
        <translation>Deel van die naam, of die nommer</translation>
    </message>
    <message>
        <source>Technician</source>
        <translation>Tegnikus</translation>
    </message>
    <message>
        <source>The start of the reference</source>
        <translation>Die begin van die verwysing</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Verwysing</translation>
    </message>
    <message>
        <source>Open or resolved</source>
        <translation>Oop of opgelos</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Oop</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Opgelos</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Opened on or after this day</source>
        <translation>Geopen op of ná hierdie dag</translation>
    </message>
    <message>
        <source>Opened on or before this day</source>
        <translation>Geopen op of voor hierdie dag</translation>
    </message>
    <message>
        <source>&amp;Said:</source>
        <translation>&amp;Gesê:</translation>
    </message>
    <message>
        <source>&amp;Lift:</source>
        <translation>&amp;Hysbak:</translation>
    </message>
    <message>
        <source>S&amp;ite:</source>
        <translation>P&amp;erseel:</translation>
    </message>
    <message>
        <source>&amp;Technician:</source>
        <translation>&amp;Tegnikus:</translation>
    </message>
    <message>
        <source>Re&amp;ference:</source>
        <translation>&amp;Verwysing:</translation>
    </message>
    <message>
        <source>Stat&amp;us:</source>
        <translation>Stat&amp;us:</translation>
    </message>
    <message>
        <source>Incidents found</source>
        <translation>Voorvalle gevind</translation>
    </message>
    <message>
        <source>Search result</source>
        <translation>Soekresultaat</translation>
    </message>
    <message>
        <source>The next page: incidents opened before the last one listed</source>
        <translation>Die volgende bladsy: voorvalle wat geopen is voor die laaste een gelys</translation>
    </message>
    <message>
        <source>Search by any of the fields, or none to list the newest incidents.</source>
        <translation>Soek volgens enige van die velde, of geen om die nuutste voorvalle te lys.</translation>
    </message>
    <message>
        <source>Reading older incidents…</source>
        <translation>Lees ouer voorvalle…</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Soek…</translation>
    </message>
    <message>
        <source>No incident matches.</source>
        <translation>Geen voorval pas nie.</translation>
    </message>
    <message numerus="yes">
        <source>%n incident(s) listed, the most recently opened first.</source>
        <translation>
            <numerusform>%n voorval gelys, die mees onlangs geopende eerste.</numerusform>
            <numerusform>%n voorvalle gelys, die mees onlangs geopende eerste.</numerusform>
        </translation>
    </message>
    <message>
        <source>Older ones match too: Older incidents lists them.</source>
        <translation>Ouer voorvalle pas ook: Ouer voorvalle lys hulle.</translation>
    </message>
    <message>
        <source>The search was not run: %1</source>
        <translation>Die soektog is nie gedoen nie: %1</translation>
    </message>
    <message>
        <source>The history could not be read: %1</source>
        <translation>Die geskiedenis kon nie gelees word nie: %1</translation>
    </message>
    <message>
        <source>e.g. +27 71 000 0001</source>
        <translation>bv. +27 71 000 0001</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <source>Ticket %1</source>
        <translation>Kaartjie %1</translation>
    </message>
    <message>
        <source>%1 (+%2)</source>
        <translation>%1 (+%2)</translation>
    </message>
    <message>
        <source>no technician wrote</source>
        <translation>geen tegnikus het geskryf nie</translation>
    </message>
    <message>
        <source>open</source>
        <translation>oop</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>opgelos</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n matching)</source>
        <translation>
            <numerusform>%1 (%n pas)</numerusform>
            <numerusform>%1 (%n pas)</numerusform>
        </translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Verwysing</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>Geopen</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Opgelos</translation>
    </message>
    <message>
        <source>Lift</source>
        <translation>Hysbak</translation>
    </message>
    <message>
        <source>Technician</source>
        <translation>Tegnikus</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Boodskappe</translation>
    </message>
    <message>
        <source>What was said</source>
        <translation>Wat gesê is</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>Loading the picture…</source>
        <translation>Laai die prent…</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>Foto</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Zoem in</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Zoem uit</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Pas in</translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation>Werklike grootte</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Stoor as…</translation>
    </message>
    <message>
        <source>%1 × %2 pixels</source>
        <translation>%1 × %2 beeldpunte</translation>
    </message>
    <message>
        <source>Save the photo</source>
        <translation>Stoor die foto</translation>
    </message>
    <message>
        <source>The photo was not saved: %1</source>
        <translation>Die foto is nie gestoor nie: %1</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>Gestoor in %1</translation>
    </message>
</context>
<context>
    <name>IncidentCardPanel</name>
    <message>
        <source>People released</source>
        <translation>Mense bevry</translation>
    </message>
    <message>
        <source>Save card</source>
        <translation>Stoor kaart</translation>
    </message>
    <message>
        <source>not known</source>
        <translation>onbekend</translation>
    </message>
    <message>
        <source>People trapped</source>
        <translation>Mense vasgekeer</translation>
    </message>
    <message>
        <source>none reported</source>
        <translation>geen aangemeld nie</translation>
    </message>
    <message>
        <source>Injuries</source>
        <translation>Beserings</translation>
    </message>
    <message>
        <source>e.g. between floors 4 and 5</source>
        <translation>bv. tussen verdiepings 4 en 5</translation>
    </message>
    <message>
        <source>Floor or position</source>
        <translation>Verdieping of posisie</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notas</translation>
    </message>
    <message>
        <source>Save the incident card</source>
        <translation>Stoor die voorvalkaart</translation>
    </message>
    <message>
        <source>Fire brigade called</source>
        <translation>Brandweer geskakel</translation>
    </message>
    <message>
        <source>Ambulance called</source>
        <translation>Ambulans geskakel</translation>
    </message>
    <message>
        <source>Police called</source>
        <translation>Polisie geskakel</translation>
    </message>
    <message>
        <source>%1 at</source>
        <translation>%1 om</translation>
    </message>
    <message>
        <source>Released at</source>
        <translation>Bevry om</translation>
    </message>
    <message>
        <source>Incident card</source>
        <translation>Voorvalkaart</translation>
    </message>
    <message>
        <source>Notes may have at most %1 characters.</source>
        <translation>Notas mag hoogstens %1 karakters hê.</translation>
    </message>
    <message>
        <source>Loading the card…</source>
        <translation>Laai die kaart…</translation>
    </message>
    <message>
        <source>The card could not be loaded: %1</source>
        <translation>Die kaart kon nie gelaai word nie: %1</translation>
    </message>
    <message>
        <source>Nothing recorded yet.</source>
        <translation>Nog niks aangeteken nie.</translation>
    </message>
    <message>
        <source>Version %1, saved by %2 at %3</source>
        <translation>Weergawe %1, gestoor deur %2 om %3</translation>
    </message>
    <message>
        <source>%1 saved this version while you were editing: their changes are shown, yours are kept. Check and save.</source>
        <translation>%1 het hierdie weergawe gestoor terwyl jy gewysig het: hulle veranderinge word gewys, joune word behou. Kontroleer en stoor.</translation>
    </message>
    <message>
        <source>Changed, not saved yet.</source>
        <translation>Verander, nog nie gestoor nie.</translation>
    </message>
    <message>
        <source>The card was not saved: notes may have at most %1 characters.</source>
        <translation>Die kaart is nie gestoor nie: notas mag hoogstens %1 karakters hê.</translation>
    </message>
    <message>
        <source>The card was not saved: %1 Their version is shown with your changes on top: check and save again.</source>
        <translation>Die kaart is nie gestoor nie: %1 Hulle weergawe word gewys met jou veranderinge daarbo: kontroleer en stoor weer.</translation>
    </message>
    <message>
        <source>The card was not saved: %1</source>
        <translation>Die kaart is nie gestoor nie: %1</translation>
    </message>
</context>
<context>
    <name>IncidentExporter</name>
    <message>
        <source>Only supervisors and admins can export incidents; ask one of them to export this one.</source>
        <translation>Slegs toesighouers en administrateurs kan voorvalle uitvoer; vra een van hulle om hierdie een uit te voer.</translation>
    </message>
    <message>
        <source>The incident was not exported: %1</source>
        <translation>Die voorval is nie uitgevoer nie: %1</translation>
    </message>
    <message>
        <source>The server sent %1 rather than a %2 export. Nothing was saved.</source>
        <translation>Die bediener het %1 gestuur eerder as ’n %2-uitvoer. Niks is gestoor nie.</translation>
    </message>
    <message>
        <source>something untyped</source>
        <translation>iets sonder ’n tipe</translation>
    </message>
    <message>
        <source>The export came without its checksum, signature or key (X-Liftline-Sha256, X-Liftline-Signature, X-Liftline-Signing-Key). Nothing was saved.</source>
        <translation>Die uitvoer het sonder sy kontrolesom, handtekening of sleutel gekom (X-Liftline-Sha256, X-Liftline-Signature, X-Liftline-Signing-Key). Niks is gestoor nie.</translation>
    </message>
    <message>
        <source>The export arrived damaged: its SHA-256 is %1, but the server signed %2. Nothing was saved; export it again.</source>
        <translation>Die uitvoer het beskadig aangekom: sy SHA-256 is %1, maar die bediener het %2 onderteken. Niks is gestoor nie; voer dit weer uit.</translation>
    </message>
    <message>
        <source>The export was signed with the key %1, but the server publishes the key %2. Nothing was saved; export it again.</source>
        <translation>Die uitvoer is met die sleutel %1 onderteken, maar die bediener publiseer die sleutel %2. Niks is gestoor nie; voer dit weer uit.</translation>
    </message>
    <message>
        <source>(unreadable)</source>
        <translation>(onleesbaar)</translation>
    </message>
    <message>
        <source>The server&apos;s public key could not be read, and the signature file needs it: %1 Nothing was saved.</source>
        <translation>Die bediener se publieke sleutel kon nie gelees word nie, en die handtekeninglêer het dit nodig: %1 Niks is gestoor nie.</translation>
    </message>
    <message>
        <source>%1 could not be written: %2. Nothing was saved.</source>
        <translation>%1 kon nie geskryf word nie: %2. Niks is gestoor nie.</translation>
    </message>
    <message>
        <source>This server does not make PDF exports. Export the signed JSON instead, or ask its administrator about PDF exports.</source>
        <translation>Hierdie bediener maak nie PDF-uitvoere nie. Voer eerder die ondertekende JSON uit, of vra sy administrateur oor PDF-uitvoere.</translation>
    </message>
    <message>
        <source>%1 could not be written: %2. What was already in place was removed again (%3): nothing was saved.</source>
        <translation>%1 kon nie geskryf word nie: %2. Wat reeds in plek was, is weer verwyder (%3): niks is gestoor nie.</translation>
    </message>
    <message>
        <source>%1 could not be written: %2. What was already in place could not all be removed again: delete %3 by hand, as it lacks its checksum or signature file.</source>
        <translation>%1 kon nie geskryf word nie: %2. Wat reeds in plek was, kon nie alles weer verwyder word nie: skrap %3 self, want sy kontrolesom- of handtekeninglêer ontbreek.</translation>
    </message>
</context>
<context>
    <name>IncidentView</name>
    <message>
        <source>Reading the incident…</source>
        <translation>Lees die voorval…</translation>
    </message>
    <message>
        <source>Export incident…</source>
        <translation>Voer voorval uit…</translation>
    </message>
    <message>
        <source>Incident (ticket %1), read-only</source>
        <translation>Voorval (kaartjie %1), net om te lees</translation>
    </message>
    <message>
        <source>Ticket %1</source>
        <translation>Kaartjie %1</translation>
    </message>
    <message>
        <source>Read-only: the incident&apos;s record as the server keeps it. Nothing here changes it; an open conversation is answered from the list.</source>
        <translation>Net om te lees: die voorval se rekord soos die bediener dit hou. Niks hier verander dit nie; ’n oop gesprek word uit die lys beantwoord.</translation>
    </message>
    <message>
        <source>What the view is doing</source>
        <translation>Wat die aansig doen</translation>
    </message>
    <message>
        <source>Messages of the incident</source>
        <translation>Boodskappe van die voorval</translation>
    </message>
    <message>
        <source>Export the incident as a signed file</source>
        <translation>Voer die voorval uit as ’n ondertekende lêer</translation>
    </message>
    <message>
        <source>Saves the incident&apos;s record as the server signs it (JSON or PDF), with its SHA-256 and signature files beside it.</source>
        <translation>Stoor die voorval se rekord soos die bediener dit onderteken (JSON of PDF), met sy SHA-256- en handtekeninglêers daarnaas.</translation>
    </message>
    <message>
        <source>Exported to %1, with its .sha256 and .sig files.</source>
        <translation>Uitgevoer na %1, met sy .sha256- en .sig-lêers.</translation>
    </message>
    <message>
        <source>Scroll up for older messages.</source>
        <translation>Rol op vir ouer boodskappe.</translation>
    </message>
    <message>
        <source>The incident could not be read: %1</source>
        <translation>Die voorval kon nie gelees word nie: %1</translation>
    </message>
    <message>
        <source>%1, read-only</source>
        <translation>%1, net om te lees</translation>
    </message>
    <message>
        <source>%1 (+%2)</source>
        <translation>%1 (+%2)</translation>
    </message>
    <message>
        <source>opened %1</source>
        <translation>geopen %1</translation>
    </message>
    <message>
        <source>still open</source>
        <translation>nog oop</translation>
    </message>
    <message>
        <source>resolved %1</source>
        <translation>opgelos %1</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>opgelos</translation>
    </message>
    <message>
        <source>no technician wrote</source>
        <translation>geen tegnikus het geskryf nie</translation>
    </message>
    <message>
        <source>technician: %1</source>
        <translation>tegnikus: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n boodskap</numerusform>
            <numerusform>%n boodskappe</numerusform>
        </translation>
    </message>
    <message>
        <source>Older messages could not be read: %1</source>
        <translation>Ouer boodskappe kon nie gelees word nie: %1</translation>
    </message>
    <message>
        <source>An export is under way: wait for it to finish.</source>
        <translation>’n Uitvoer is aan die gang: wag totdat dit klaar is.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Voer uit…</translation>
    </message>
    <message>
        <source>Contact details copied</source>
        <translation>Kontakbesonderhede gekopieer</translation>
    </message>
    <message>
        <source>The recording was not loaded: %1</source>
        <translation>Die opname is nie gelaai nie: %1</translation>
    </message>
    <message>
        <source>Open the map</source>
        <translation>Maak die kaart oop</translation>
    </message>
    <message>
        <source>Copy the contact details</source>
        <translation>Kopieer die kontakbesonderhede</translation>
    </message>
    <message>
        <source>View the photo</source>
        <translation>Bekyk die foto</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Speel</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Stoor as…</translation>
    </message>
    <message>
        <source>History of this message…</source>
        <translation>Geskiedenis van hierdie boodskap…</translation>
    </message>
    <message>
        <source>Save the file</source>
        <translation>Stoor die lêer</translation>
    </message>
    <message>
        <source>The file was not saved: %1</source>
        <translation>Die lêer is nie gestoor nie: %1</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>Gestoor in %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Liftline</source>
        <translation>Liftline</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Gesprekke</translation>
    </message>
    <message>
        <source>Filter conversations</source>
        <translation>Filtreer gesprekke</translation>
    </message>
    <message>
        <source>Filter by reference, lift, site or technician (Ctrl+K)</source>
        <translation>Filtreer volgens verwysing, hysbak, perseel of tegnikus (Ctrl+K)</translation>
    </message>
    <message>
        <source>Connection state</source>
        <translation>Verbindingstatus</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 het misluk: %2</translation>
    </message>
    <message>
        <source>&amp;Console</source>
        <translation>&amp;Konsole</translation>
    </message>
    <message>
        <source>&amp;Unassigned messages…</source>
        <translation>&amp;Ongetoewysde boodskappe…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Instellings…</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>Meld &amp;af</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Verlaat</translation>
    </message>
    <message>
        <source>Agent requested: %1</source>
        <translation>Agent versoek: %1</translation>
    </message>
    <message>
        <source>%1 at %2: %3</source>
        <translation>%1 by %2: %3</translation>
    </message>
    <message numerus="yes">
        <source>(%n waiting) </source>
        <translation>
            <numerusform>(%n wag) </numerusform>
            <numerusform>(%n wag) </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n unread) </source>
        <translation>
            <numerusform>(%n ongelees) </numerusform>
            <numerusform>(%n ongelees) </numerusform>
        </translation>
    </message>
    <message>
        <source>Liftline: %1 waiting, %2 unread, %3 unassigned</source>
        <translation>Liftline: %1 wag, %2 ongelees, %3 ongetoewys</translation>
    </message>
    <message numerus="yes">
        <source>%n unassigned message(s)</source>
        <translation>
            <numerusform>%n ongetoewysde boodskap</numerusform>
            <numerusform>%n ongetoewysde boodskappe</numerusform>
        </translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Gekoppel</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Koppel tans…</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Afgemeld</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Vanlyn</translation>
    </message>
    <message>
        <source>The conversations could not be loaded: %1 Trying again…</source>
        <translation>Die gesprekke kon nie gelaai word nie: %1 Probeer weer…</translation>
    </message>
    <message>
        <source>Reconnecting… (what happens meanwhile follows when connected)</source>
        <translation>Herkoppel tans… (wat intussen gebeur, volg sodra dit gekoppel is)</translation>
    </message>
    <message>
        <source>Agent requested, no open ticket: %1</source>
        <translation>Agent gevra, geen oop kaartjie nie: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) from no open ticket: Console → Unassigned messages</source>
        <translation>
            <numerusform>%n versoek sonder oop kaartjie: Konsole → Ongetoewysde boodskappe</numerusform>
            <numerusform>%n versoeke sonder oop kaartjie: Konsole → Ongetoewysde boodskappe</numerusform>
        </translation>
    </message>
    <message>
        <source>Silence</source>
        <translation>Stilte</translation>
    </message>
    <message>
        <source>Resolved conversations</source>
        <translation>Opgeloste gesprekke</translation>
    </message>
    <message>
        <source>Show the resolved conversations</source>
        <translation>Wys die opgeloste gesprekke</translation>
    </message>
    <message>
        <source>Connection problem</source>
        <translation>Verbindingsprobleem</translation>
    </message>
    <message>
        <source>Reconnect now</source>
        <translation>Verbind nou weer</translation>
    </message>
    <message>
        <source>Reconnect to the server now</source>
        <translation>Verbind nou weer met die bediener</translation>
    </message>
    <message>
        <source>Silence the alarm for the requests waiting now</source>
        <translation>Stil die alarm vir die versoeke wat nou wag</translation>
    </message>
    <message>
        <source>Silences the alarm for the requests waiting now (Ctrl+M). A new request sounds again; the notifications stay until someone takes them.</source>
        <translation>Stil die alarm vir die versoeke wat nou wag (Ctrl+M). ’n Nuwe versoek klink weer; die kennisgewings bly totdat iemand dit neem.</translation>
    </message>
    <message>
        <source>Agent requests waiting: open the longest waiting</source>
        <translation>Agentversoeke wag: maak die een oop wat die langste wag</translation>
    </message>
    <message>
        <source>Show Liftline</source>
        <translation>Wys Liftline</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Sluit af</translation>
    </message>
    <message numerus="yes">
        <source>Alarm silenced for %n request(s). They still wait for someone to take them.</source>
        <translation>
            <numerusform>Alarm gestil vir %n versoek. Dit wag steeds dat iemand dit neem.</numerusform>
            <numerusform>Alarm gestil vir %n versoeke. Hulle wag steeds dat iemand hulle neem.</numerusform>
        </translation>
    </message>
    <message>
        <source>Requests are waiting</source>
        <translation>Versoeke wag</translation>
    </message>
    <message numerus="yes">
        <source>%n agent request(s) are waiting and nobody has taken them yet. If you leave, this console stops alerting. Leave anyway?</source>
        <translation>
            <numerusform>%n agentversoek wag en niemand het dit nog geneem nie. As u gaan, hou hierdie konsole op om te waarsku. Gaan tog?</numerusform>
            <numerusform>%n agentversoeke wag en niemand het hulle nog geneem nie. As u gaan, hou hierdie konsole op om te waarsku. Gaan tog?</numerusform>
        </translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>Gaan</translation>
    </message>
    <message>
        <source>Stay</source>
        <translation>Bly</translation>
    </message>
    <message>
        <source>Liftline is still running</source>
        <translation>Liftline loop steeds</translation>
    </message>
    <message>
        <source>Requests still alert here. Console → Quit ends the console.</source>
        <translation>Versoeke waarsku steeds hier. Konsole → Sluit af beëindig die konsole.</translation>
    </message>
    <message>
        <source>Resolved (%1)</source>
        <translation>Opgelos (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%n agent request(s) waiting</source>
        <translation>
            <numerusform>%n agentversoek wag</numerusform>
            <numerusform>%n agentversoeke wag</numerusform>
        </translation>
    </message>
    <message>
        <source> · longest %1</source>
        <translation> · langste %1</translation>
    </message>
    <message>
        <source> · click to open</source>
        <translation> · klik om oop te maak</translation>
    </message>
    <message>
        <source>Offline since %1: no news from the server.</source>
        <translation>Vanlyn sedert %1: geen nuus van die bediener nie.</translation>
    </message>
    <message>
        <source>Not connected to the server.</source>
        <translation>Nie aan die bediener gekoppel nie.</translation>
    </message>
    <message numerus="yes">
        <source>Trying again in %n s.</source>
        <translation>
            <numerusform>Probeer weer oor %n s.</numerusform>
            <numerusform>Probeer weer oor %n s.</numerusform>
        </translation>
    </message>
    <message>
        <source>The list and the waiting clocks may be out of date.</source>
        <translation>Die lys en die wagtyd-horlosies is dalk verouderd.</translation>
    </message>
    <message numerus="yes">
        <source>%n reply(s) go out when connected.</source>
        <translation>
            <numerusform>%n antwoord gaan uit sodra gekoppel.</numerusform>
            <numerusform>%n antwoorde gaan uit sodra gekoppel.</numerusform>
        </translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Beskikbaar</translation>
    </message>
    <message>
        <source>Busy</source>
        <translation>Besig</translation>
    </message>
    <message>
        <source>On a break</source>
        <translation>Met pouse</translation>
    </message>
    <message>
        <source>Your status</source>
        <translation>Jou status</translation>
    </message>
    <message>
        <source>Busy or on a break, requests are escalated without waiting for you</source>
        <translation>Besig of met pouse word versoeke opgeskaal sonder om vir jou te wag</translation>
    </message>
    <message>
        <source>%1 not taken after %2: escalated to the supervisors</source>
        <translation>%1 ná %2 nie opgeneem nie: na die toesighouers opgeskaal</translation>
    </message>
    <message>
        <source>%1 not taken after %2: on-call staff not called (%3)</source>
        <translation>%1 ná %2 nie opgeneem nie: personeel aan diens nie geskakel nie (%3)</translation>
    </message>
    <message>
        <source>the number is blocked</source>
        <translation>die nommer is geblokkeer</translation>
    </message>
    <message>
        <source>a number outside the registry, over its limit</source>
        <translation>&apos;n nommer buite die register, oor sy perk</translation>
    </message>
    <message>
        <source>%1 not taken after %2: on-call level %3 called out</source>
        <translation>%1 ná %2 nie opgeneem nie: diensvlak %3 uitgeroep</translation>
    </message>
    <message>
        <source>Open &amp;requests…</source>
        <translation>Oop &amp;versoeke…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Aansig</translation>
    </message>
    <message>
        <source>Incident &amp;history…</source>
        <translation>Voorval&amp;geskiedenis…</translation>
    </message>
    <message>
        <source>%1 not taken after %2: no supervisor is at a console</source>
        <translation>%1 ná %2 nie opgeneem nie: geen toesighouer is by &apos;n konsole nie</translation>
    </message>
</context>
<context>
    <name>MediaLoader</name>
    <message>
        <source>This picture is not a JPEG, PNG or WebP image, so it is not shown.</source>
        <translation>Hierdie prent is nie ’n JPEG-, PNG- of WebP-beeld nie, dus word dit nie gewys nie.</translation>
    </message>
    <message>
        <source>This picture cannot be read (%1).</source>
        <translation>Hierdie prent kan nie gelees word nie (%1).</translation>
    </message>
    <message>
        <source>This picture claims %1 × %2 pixels, too many to show safely.</source>
        <translation>Hierdie prent beweer dit het %1 × %2 beeldpunte, te veel om veilig te wys.</translation>
    </message>
    <message>
        <source>This picture cannot be shown: %1</source>
        <translation>Hierdie prent kan nie gewys word nie: %1</translation>
    </message>
</context>
<context>
    <name>MemoryCredentialStore</name>
    <message>
        <source>This computer has no credential store: you stay signed in until the console closes, and it asks for your password again when it starts.</source>
        <translation>Hierdie rekenaar het geen wagwoordstoor nie: jy bly aangemeld totdat die konsole sluit, en dit vra weer jou wagwoord wanneer dit begin.</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>sending…</source>
        <translation>stuur tans…</translation>
    </message>
    <message>
        <source>✓✓ read</source>
        <translation>✓✓ gelees</translation>
    </message>
    <message>
        <source>not sent</source>
        <translation>nie gestuur nie</translation>
    </message>
    <message>
        <source>not confirmed: activate to send again</source>
        <translation>nie bevestig nie: aktiveer om weer te stuur</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>gewysig</translation>
    </message>
    <message>
        <source>(activate to open or save)</source>
        <translation>(aktiveer om oop te maak of te stoor)</translation>
    </message>
    <message>
        <source>Loading the picture…</source>
        <translation>Laai die prent…</translation>
    </message>
</context>
<context>
    <name>MessageHistoryDialog</name>
    <message>
        <source>Reading the message&apos;s record…</source>
        <translation>Lees die boodskap se rekord…</translation>
    </message>
    <message>
        <source>History of message %1</source>
        <translation>Geskiedenis van boodskap %1</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Ontvang</translation>
    </message>
    <message>
        <source>WhatsApp&apos;s time</source>
        <translation>WhatsApp se tyd</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Wat</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Van</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Teks</translation>
    </message>
    <message>
        <source>Shown</source>
        <translation>Gewys</translation>
    </message>
    <message>
        <source>The message as first stored, then each change in the order it came</source>
        <translation>Die boodskap soos eerste gestoor, dan elke verandering in die volgorde waarin dit gekom het</translation>
    </message>
    <message>
        <source>The record could not be read: %1</source>
        <translation>Die rekord kon nie gelees word nie: %1</translation>
    </message>
    <message>
        <source>As first stored</source>
        <translation>Soos eerste gestoor</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>Gewysig</translation>
    </message>
    <message>
        <source>Deleted by the sender</source>
        <translation>Deur die sender geskrap</translation>
    </message>
    <message>
        <source>Reaction taken away</source>
        <translation>Reaksie teruggetrek</translation>
    </message>
    <message>
        <source>Reaction</source>
        <translation>Reaksie</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no: not the sender</source>
        <translation>nee: nie die sender nie</translation>
    </message>
    <message>
        <source>File: %1, %2, %3 bytes, SHA-256 %4</source>
        <translation>Lêer: %1, %2, %3 grepe, SHA-256 %4</translation>
    </message>
    <message numerus="yes">
        <source>Message %1 on ticket %2, WhatsApp id %3. %n change(s) since it was stored; none rewrote it.</source>
        <translation>
            <numerusform>Boodskap %1 op kaartjie %2, WhatsApp-id %3. %n verandering sedert dit gestoor is; geen het dit oorgeskryf nie.</numerusform>
            <numerusform>Boodskap %1 op kaartjie %2, WhatsApp-id %3. %n veranderinge sedert dit gestoor is; geen het dit oorgeskryf nie.</numerusform>
        </translation>
    </message>
    <message>
        <source>to %1</source>
        <translation>aan %1</translation>
    </message>
</context>
<context>
    <name>MessageModel</name>
    <message>
        <source>Liftline</source>
        <translation>Liftline</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Vandag</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Gister</translation>
    </message>
    <message>
        <source>%1 at %2: %3</source>
        <translation>%1 om %2: %3</translation>
    </message>
    <message>
        <source>Talk to an agent</source>
        <translation>Praat met ’n agent</translation>
    </message>
    <message>
        <source>Tapped “%1”</source>
        <translation>Het “%1” getik</translation>
    </message>
    <message>
        <source>[image]</source>
        <translation>[prent]</translation>
    </message>
    <message>
        <source>[video]</source>
        <translation>[video]</translation>
    </message>
    <message>
        <source>[audio]</source>
        <translation>[oudio]</translation>
    </message>
    <message>
        <source>[voice message]</source>
        <translation>[stemboodskap]</translation>
    </message>
    <message>
        <source>[document]</source>
        <translation>[dokument]</translation>
    </message>
    <message>
        <source>[sticker]</source>
        <translation>[plakker]</translation>
    </message>
    <message>
        <source>[location]</source>
        <translation>[ligging]</translation>
    </message>
    <message>
        <source>[contacts]</source>
        <translation>[kontakte]</translation>
    </message>
    <message>
        <source>[reaction]</source>
        <translation>[reaksie]</translation>
    </message>
    <message>
        <source>[reaction removed]</source>
        <translation>[reaksie verwyder]</translation>
    </message>
    <message>
        <source>[unsupported]</source>
        <translation>[nie ondersteun nie]</translation>
    </message>
    <message>
        <source>[edit]</source>
        <translation>[wysiging]</translation>
    </message>
    <message>
        <source>[revoke]</source>
        <translation>[teruggetrek]</translation>
    </message>
    <message>
        <source>Sent automatically</source>
        <translation>Outomaties gestuur</translation>
    </message>
    <message>
        <source>Deleted by the sender</source>
        <translation>Deur die sender geskrap</translation>
    </message>
    <message>
        <source>[contact]</source>
        <translation>[kontak]</translation>
    </message>
    <message>
        <source>Open the map</source>
        <translation>Maak die kaart oop</translation>
    </message>
    <message>
        <source>Copy the contact details</source>
        <translation>Kopieer die kontakbesonderhede</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>Foto</translation>
    </message>
    <message>
        <source>Sticker</source>
        <translation>Plakker</translation>
    </message>
    <message>
        <source>Voice message</source>
        <translation>Stemboodskap</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>Klank</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>Video</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>Dokument</translation>
    </message>
    <message>
        <source>%1: fetching it from WhatsApp…</source>
        <translation>%1: word van WhatsApp af gehaal…</translation>
    </message>
    <message>
        <source>%1: not available</source>
        <translation>%1: nie beskikbaar nie</translation>
    </message>
    <message>
        <source>%1 not available: %2</source>
        <translation>%1 nie beskikbaar nie: %2</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1: sending…</source>
        <translation>%1: word gestuur…</translation>
    </message>
    <message>
        <source>%1 %2: sending…</source>
        <translation>%1 %2: word gestuur…</translation>
    </message>
</context>
<context>
    <name>RequestsDialog</name>
    <message>
        <source>%1%2 s</source>
        <translation>%1%2 s</translation>
    </message>
    <message>
        <source>%1%2</source>
        <translation>%1%2</translation>
    </message>
    <message>
        <source>the consoles</source>
        <translation>die konsoles</translation>
    </message>
    <message>
        <source>the supervisors</source>
        <translation>die toesighouers</translation>
    </message>
    <message>
        <source>on-call level %1</source>
        <translation>diensvlak %1</translation>
    </message>
    <message>
        <source>Open conversation</source>
        <translation>Maak gesprek oop</translation>
    </message>
    <message>
        <source>Assign…</source>
        <translation>Wys toe…</translation>
    </message>
    <message>
        <source>Open requests</source>
        <translation>Oop versoeke</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Versoek</translation>
    </message>
    <message>
        <source>Lift</source>
        <translation>Hysbak</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Wag</translation>
    </message>
    <message>
        <source>Ladder</source>
        <translation>Leer</translation>
    </message>
    <message>
        <source>Who has it</source>
        <translation>Wie het dit</translation>
    </message>
    <message>
        <source>The request&apos;s timeline</source>
        <translation>Die versoek se tydlyn</translation>
    </message>
    <message>
        <source>The requests could not be read: %1</source>
        <translation>Die versoeke kon nie gelees word nie: %1</translation>
    </message>
    <message>
        <source>Ticket %1</source>
        <translation>Kaartjie %1</translation>
    </message>
    <message>
        <source>Message from a number with no ticket</source>
        <translation>Boodskap van &apos;n nommer sonder kaartjie</translation>
    </message>
    <message>
        <source>%1 · +%2</source>
        <translation>%1 · +%2</translation>
    </message>
    <message>
        <source>not alerted yet</source>
        <translation>nog nie gewaarsku nie</translation>
    </message>
    <message>
        <source>%1 alerted</source>
        <translation>%1 gewaarsku</translation>
    </message>
    <message>
        <source>%1; next in %2</source>
        <translation>%1; volgende oor %2</translation>
    </message>
    <message>
        <source>nobody yet</source>
        <translation>nog niemand nie</translation>
    </message>
    <message>
        <source>No request is open.</source>
        <translation>Geen versoek is oop nie.</translation>
    </message>
    <message numerus="yes">
        <source>%n open request(s).</source>
        <translation>
            <numerusform>%n oop versoek.</numerusform>
            <numerusform>%n oop versoeke.</numerusform>
        </translation>
    </message>
    <message>
        <source>A message with no ticket is assigned by attaching it to one (Console → Unassigned messages).</source>
        <translation>&apos;n Boodskap sonder kaartjie word toegewys deur dit aan een te heg (Konsole → Ongetoewysde boodskappe).</translation>
    </message>
    <message>
        <source>Select a request to see its timeline.</source>
        <translation>Kies &apos;n versoek om sy tydlyn te sien.</translation>
    </message>
    <message>
        <source>Assign the request</source>
        <translation>Wys die versoek toe</translation>
    </message>
    <message>
        <source>Assigned.</source>
        <translation>Toegewys.</translation>
    </message>
    <message>
        <source>Not assigned: %1</source>
        <translation>Nie toegewys nie: %1</translation>
    </message>
    <message>
        <source>The technician&apos;s message reached the server</source>
        <translation>Die tegnikus se boodskap het die bediener bereik</translation>
    </message>
    <message>
        <source>+%1 wrote: “%2”</source>
        <translation>+%1 het geskryf: “%2”</translation>
    </message>
    <message>
        <source>Request raised</source>
        <translation>Versoek gemaak</translation>
    </message>
    <message numerus="yes">
        <source> (asked %n more time(s) while waiting)</source>
        <translation>
            <numerusform> (%n keer meer gevra terwyl dit gewag het)</numerusform>
            <numerusform> (%n keer meer gevra terwyl dit gewag het)</numerusform>
        </translation>
    </message>
    <message>
        <source>First console alerted</source>
        <translation>Eerste konsole gewaarsku</translation>
    </message>
    <message>
        <source>Step %1: %2</source>
        <translation>Stap %1: %2</translation>
    </message>
    <message>
        <source>agents available: %1</source>
        <translation>agente beskikbaar: %1</translation>
    </message>
    <message>
        <source>no agent available</source>
        <translation>geen agent beskikbaar nie</translation>
    </message>
    <message>
        <source>supervisors: %1</source>
        <translation>toesighouers: %1</translation>
    </message>
    <message>
        <source>on call: %1</source>
        <translation>aan diens: %1</translation>
    </message>
    <message>
        <source>nobody called out (%1)</source>
        <translation>niemand uitgeroep nie (%1)</translation>
    </message>
    <message>
        <source> (%1 s late)</source>
        <translation> (%1 s laat)</translation>
    </message>
    <message>
        <source>Taken by %1</source>
        <translation>Geneem deur %1</translation>
    </message>
    <message>
        <source>First reply sent</source>
        <translation>Eerste antwoord gestuur</translation>
    </message>
    <message>
        <source>Closed: %1</source>
        <translation>Gesluit: %1</translation>
    </message>
    <message>
        <source>Next step at %1 unless someone takes it.</source>
        <translation>Volgende stap om %1 tensy iemand dit neem.</translation>
    </message>
    <message>
        <source>Not an emergency…</source>
        <translation>Nie &apos;n noodgeval nie…</translation>
    </message>
    <message>
        <source>Block number…</source>
        <translation>Blokkeer nommer…</translation>
    </message>
    <message>
        <source>Closes the request with your reason: the consoles stop alerting and nobody more is called out. Audited.</source>
        <translation>Sluit die versoek met jou rede: die konsoles hou op waarsku en niemand meer word uitgeroep nie. Word geoudit.</translation>
    </message>
    <message>
        <source>The number&apos;s requests then alert the consoles only: no supervisors, no call-out. Audited; an administrator lifts it.</source>
        <translation>Die nommer se versoeke waarsku dan net die konsoles: geen toesighouers, geen uitroep nie. Word geoudit; &apos;n administrateur hef dit op.</translation>
    </message>
    <message>
        <source>Not an emergency</source>
        <translation>Nie &apos;n noodgeval nie</translation>
    </message>
    <message>
        <source>Why is this request not an emergency? (kept in the audit trail)</source>
        <translation>Waarom is hierdie versoek nie &apos;n noodgeval nie? (word in die ouditspoor gehou)</translation>
    </message>
    <message>
        <source>Closed as not an emergency.</source>
        <translation>Gesluit as nie &apos;n noodgeval nie.</translation>
    </message>
    <message>
        <source>Not closed: %1</source>
        <translation>Nie gesluit nie: %1</translation>
    </message>
    <message>
        <source>Block +%1</source>
        <translation>Blokkeer +%1</translation>
    </message>
    <message>
        <source>Why block +%1? Its requests will alert the consoles only, until an administrator lifts the block.</source>
        <translation>Waarom +%1 blokkeer? Sy versoeke sal net die konsoles waarsku totdat &apos;n administrateur die blokkering ophef.</translation>
    </message>
    <message>
        <source>+%1 is blocked.</source>
        <translation>+%1 is geblokkeer.</translation>
    </message>
    <message>
        <source>Not blocked: %1</source>
        <translation>Nie geblokkeer nie: %1</translation>
    </message>
    <message>
        <source>no supervisor at a console</source>
        <translation>geen toesighouer by &apos;n konsole nie</translation>
    </message>
    <message>
        <source>not at a console: %1</source>
        <translation>nie by &apos;n konsole nie: %1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Show desktop notifications</source>
        <translation>Wys kennisgewings op die werkskerm</translation>
    </message>
    <message>
        <source>Send with Ctrl+Enter (Enter starts a new line)</source>
        <translation>Stuur met Ctrl+Enter (Enter begin &apos;n nuwe reël)</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Instellings</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Bedieneradres</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Taal</translation>
    </message>
    <message>
        <source>Seconds between reminders</source>
        <translation>Sekondes tussen herinnerings</translation>
    </message>
    <message>
        <source>As the system</source>
        <translation>Soos die stelsel</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Bediener</translation>
    </message>
    <message>
        <source>Remind of an untaken request every</source>
        <translation>Herinner aan &apos;n onbehandelde versoek elke</translation>
    </message>
    <message>
        <source>Notifications go through: %1. A new server address or language applies the next time the console starts.</source>
        <translation>Kennisgewings gaan via: %1. &apos;n Nuwe bedieneradres of taal geld eers die volgende keer dat die konsole begin.</translation>
    </message>
    <message>
        <source>Sound the alarm until a request is taken</source>
        <translation>Lui die alarm totdat ’n versoek geneem is</translation>
    </message>
    <message>
        <source>Alarm volume</source>
        <translation>Alarmvolume</translation>
    </message>
    <message>
        <source> %</source>
        <translation> %</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation>Meld aan</translation>
    </message>
    <message>
        <source>Sign in to Liftline</source>
        <translation>Meld aan by Liftline</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Bedieneradres</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Gebruikersnaam</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Wagwoord</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Bediener</translation>
    </message>
    <message>
        <source>Enter the server&apos;s address, for example https://liftline.example.co.za</source>
        <translation>Voer die bediener se adres in, byvoorbeeld https://liftline.example.co.za</translation>
    </message>
    <message>
        <source>Enter your username and password.</source>
        <translation>Voer jou gebruikersnaam en wagwoord in.</translation>
    </message>
    <message>
        <source>Unencrypted connection</source>
        <translation>Onversleutelde verbinding</translation>
    </message>
    <message>
        <source>%1 is not encrypted: your password and every chat would cross the network where others can read them. Use it anyway?</source>
        <translation>%1 is nie versleutel nie: jou wagwoord en elke klets sou oor die netwerk gaan waar ander dit kan lees. Gebruik dit tog?</translation>
    </message>
    <message>
        <source>Not signed in: use the server&apos;s https:// address.</source>
        <translation>Nie aangemeld nie: gebruik die bediener se https://-adres.</translation>
    </message>
</context>
<context>
    <name>SoundEffectAlarmSound</name>
    <message>
        <source>No audio output device was found, so the alarm cannot be heard.</source>
        <translation>Geen klankuitsettoestel is gevind nie, dus kan die alarm nie gehoor word nie.</translation>
    </message>
    <message>
        <source>The alarm sound could not be played on %1.</source>
        <translation>Die alarmklank kon nie op %1 gespeel word nie.</translation>
    </message>
</context>
<context>
    <name>UnassignedDialog</name>
    <message>
        <source>Attach</source>
        <translation>Heg aan</translation>
    </message>
    <message>
        <source>Unassigned messages</source>
        <translation>Ongetoewysde boodskappe</translation>
    </message>
    <message>
        <source>Ticket to attach to</source>
        <translation>Kaartjie om aan te heg</translation>
    </message>
    <message>
        <source>Attach the selected message to the ticket</source>
        <translation>Heg die gekose boodskap aan die kaartjie</translation>
    </message>
    <message>
        <source>Attach to</source>
        <translation>Heg aan by</translation>
    </message>
    <message>
        <source>Inbound messages that matched no ticket:</source>
        <translation>Inkomende boodskappe wat by geen kaartjie pas nie:</translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>Choose a message and the ticket it belongs to.</source>
        <translation>Kies &apos;n boodskap en die kaartjie waarby dit hoort.</translation>
    </message>
    <message>
        <source>Attached.</source>
        <translation>Aangeheg.</translation>
    </message>
    <message>
        <source>Take the request</source>
        <translation>Neem die versoek</translation>
    </message>
    <message>
        <source>Take the selected message&apos;s request for an agent</source>
        <translation>Neem die gekose boodskap se versoek vir &apos;n agent</translation>
    </message>
    <message>
        <source>Every console stops alerting; reply after attaching it to a ticket</source>
        <translation>Elke konsole hou op waarsku; antwoord nadat jy dit aan &apos;n kaartjie geheg het</translation>
    </message>
    <message>
        <source>You took the request. Attach the message to its ticket to reply.</source>
        <translation>Jy het die versoek geneem. Heg die boodskap aan sy kaartjie om te antwoord.</translation>
    </message>
    <message>
        <source>Open a ticket</source>
        <translation>Open &apos;n kaartjie</translation>
    </message>
    <message>
        <source>Find the lift: building, site or SIM number</source>
        <translation>Vind die hysbak: gebou, perseel of SIM-nommer</translation>
    </message>
    <message>
        <source>Find the lift to open a ticket on</source>
        <translation>Vind die hysbak om &apos;n kaartjie op te open</translation>
    </message>
    <message>
        <source>Lift to open a ticket on</source>
        <translation>Hysbak om &apos;n kaartjie op te open</translation>
    </message>
    <message>
        <source>Open a ticket on the lift for the selected message</source>
        <translation>Open &apos;n kaartjie op die hysbak vir die gekose boodskap</translation>
    </message>
    <message>
        <source>Or open a ticket on</source>
        <translation>Of open &apos;n kaartjie op</translation>
    </message>
    <message>
        <source>%1 (resolved)</source>
        <translation>%1 (opgelos)</translation>
    </message>
    <message>
        <source>%1 (+%2)</source>
        <translation>%1 (+%2)</translation>
    </message>
    <message>
        <source>%1: has ticket %2, attach to it</source>
        <translation>%1: het kaartjie %2, heg daaraan</translation>
    </message>
    <message>
        <source>No lift matches “%1”.</source>
        <translation>Geen hysbak pas by “%1” nie.</translation>
    </message>
    <message>
        <source>Choose a message and find the lift it is about.</source>
        <translation>Kies &apos;n boodskap en vind die hysbak waaroor dit gaan.</translation>
    </message>
    <message>
        <source>Opening a ticket…</source>
        <translation>Open &apos;n kaartjie…</translation>
    </message>
    <message>
        <source>Ticket %1 opened with the message.</source>
        <translation>Kaartjie %1 met die boodskap geopen.</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Antwoord</translation>
    </message>
    <message>
        <source>Messages with this number</source>
        <translation>Boodskappe met hierdie nommer</translation>
    </message>
    <message>
        <source>Reply to this number before it has a ticket</source>
        <translation>Antwoord hierdie nommer voordat dit &apos;n kaartjie het</translation>
    </message>
    <message>
        <source>Reply to the selected message&apos;s number</source>
        <translation>Antwoord die gekose boodskap se nommer</translation>
    </message>
    <message>
        <source>Send the reply to this number</source>
        <translation>Stuur die antwoord na hierdie nommer</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>word gestuur</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>gestuur</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>afgelewer</translation>
    </message>
    <message>
        <source>read</source>
        <translation>gelees</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>misluk: %1</translation>
    </message>
    <message>
        <source>%1  %2 → “%3” (%4)</source>
        <translation>%1  %2 → “%3” (%4)</translation>
    </message>
    <message>
        <source>%1  +%2: “%3”</source>
        <translation>%1  +%2: “%3”</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Stuur tans…</translation>
    </message>
    <message>
        <source>Sent.</source>
        <translation>Gestuur.</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>Nie gestuur nie: %1</translation>
    </message>
    <message>
        <source>View the photo</source>
        <translation>Bekyk die foto</translation>
    </message>
    <message>
        <source>View the selected message&apos;s photo</source>
        <translation>Bekyk die gekose boodskap se foto</translation>
    </message>
</context>
<context>
    <name>UnassignedModel</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>%1, %2: %3</source>
        <translation>%1, %2: %3</translation>
    </message>
    <message>
        <source>Asks for an agent! </source>
        <translation>Vra vir &apos;n agent! </translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 (edited)</source>
        <translation>%1 (gewysig)</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Liftline console: the agents&apos; desktop app for lift emergencies over WhatsApp.</source>
        <translation>Liftline-konsole: die agente se werkskermtoepassing vir hysbaknoodgevalle oor WhatsApp.</translation>
    </message>
    <message>
        <source>The server&apos;s address.</source>
        <translation>Die bediener se adres.</translation>
    </message>
    <message>
        <source>The username to sign in with.</source>
        <translation>Die gebruikersnaam om mee aan te meld.</translation>
    </message>
    <message>
        <source>Your session ended (%1). Sign in again to continue.</source>
        <translation>Jou sessie het geëindig (%1). Meld weer aan om voort te gaan.</translation>
    </message>
    <message>
        <source>Sign in with the password on standard input (one line), as a script that starts the console does.</source>
        <translation>Meld aan met die wagwoord op standaardinvoer (een reël), soos &apos;n skrip wat die konsole begin, doen.</translation>
    </message>
</context>
</TS>
