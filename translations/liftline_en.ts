<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AgentPicker</name>
    <message>
        <source>%1 (busy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (on a break)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No agent is online to give this conversation to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give this conversation to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The agents online could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ApiClient</name>
    <message>
        <source>The server did not answer in time. Check the connection and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server cannot be reached (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server answered with something that is not Liftline&apos;s API (HTTP %1). Check the server address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused the request (HTTP %1).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AudioPlayer</name>
    <message>
        <source>This computer cannot play %1 recordings (GStreamer&apos;s base plugins, gstreamer1.0-plugins-base, are not installed): use Open or Save as… instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>these</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This computer cannot play %1 recordings (GStreamer&apos;s plugins for them are not installed): use Open or Save as… instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording cannot be played: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording cannot be played: no temporary folder is available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <source>Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invite back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to the conversation list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledge the agent request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolve the ticket with a note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the re-engagement template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The technician&apos;s 24-hour window is closed: only a template can reach them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolve %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No conversation open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The technician has not written yet: only a template can reach them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window closes in %1 h %2 m</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window closed: only a template can reach them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write a reply. Enter sends, Shift+Enter starts a new line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The reply is %1 characters long; WhatsApp takes at most %2. Shorten it or split it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who has the request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody has this request yet · %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has it · %2, not answered yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no technician has written yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This ticket is resolved. A reply still reaches the technician, who may be on another job by now; you are asked before it goes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply on a resolved ticket?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is resolved. Send this reply to the technician anyway?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What was done (kept with the ticket). Enter resolves, Shift+Enter starts a new line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why the ticket is not resolved yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write what was done before resolving: the note is kept with the ticket.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no technician has written yet; the lift&apos;s technicians: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign the conversation to an agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the incident card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who the reply goes to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (+%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, not in the registry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, window closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the technician</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last to write: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assigned.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not assigned: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contact details copied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording was not loaded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the contact details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View the photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file was not opened: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file was not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attach…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send a photo or a document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send a photo, a recording, a video or a document, with the reply box&apos;s text as its caption. Files can also be dropped on the chat, or a picture pasted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Photos, recordings, videos and documents (*.jpg *.jpeg *.png *.webp *.ogg *.opus *.mp3 *.m4a *.aac *.amr *.mp4 *.3gp *.pdf *.txt *.doc *.docx *.xls *.xlsx *.ppt *.pptx);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a conversation whose 24-hour window is open to send a file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2; WhatsApp takes files of at most 100 MB.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a conversation whose 24-hour window is open to send a picture.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History of this message…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Earlier incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the lift&apos;s and the technician&apos;s earlier incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the incident as a signed file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saves the incident&apos;s record as the server signs it (JSON or PDF), with its SHA-256 and signature files beside it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Earlier incidents (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported to %1, with its .sha256 and .sig files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An export is under way: wait for it to finish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting %1…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write a reply. Enter sends, Shift+Enter starts a new line.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConsoleSession</name>
    <message>
        <source>Loading unassigned messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marking the conversation read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading older messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending on %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledging</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent yet: %1 It is sent again as soon as the connection is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending the template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changing your status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent: %1 Activate the message to send it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending a file on %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConversationDelegate</name>
    <message>
        <source>waiting %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has it %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (offline?)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConversationListModel</name>
    <message>
        <source>%1, %2, %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent requested: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>, %n unread</source>
        <translation>
            <numerusform>, %n unread</numerusform>
            <numerusform>, %n unread</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has the request: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>escalated to supervisors at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>on-call %1 not called at %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>on-call %1 called out at %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EarlierIncidentsPanel</name>
    <message>
        <source>The lift&apos;s earlier incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The technician&apos;s earlier incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click or Enter opens the incident read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More in the history…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Earlier at this lift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Earlier at this lift (+%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Earlier with %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (+%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody has written on this ticket yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolved %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2
opened %3 · %n message(s) · %4</source>
        <translation>
            <numerusform>%1 · %2
opened %3 · %n message · %4</numerusform>
            <numerusform>%1 · %2
opened %3 · %n messages · %4</numerusform>
        </translation>
    </message>
    <message>
        <source>No earlier incident.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportFileDialog</name>
    <message>
        <source>Signed JSON, for machines and auditors (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF, for people to read (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export incident %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace the export?</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 already exists in %2. Replace it with this export?</source>
        <translation>
            <numerusform>%1 already exists in %2. Replace it with this export?</numerusform>
            <numerusform>%1 already exist in %2. Replace them with this export?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FreedesktopNotifier</name>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>Opened from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Older incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Words said, e.g. E42, &quot;two people&quot;, fault -again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Words said in the incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The lift&apos;s SIM number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Part of the site&apos;s or building&apos;s name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Site or building</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Part of the name, or the number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Technician</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The start of the reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open or resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened on or after this day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened on or before this day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Said:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Lift:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;ite:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Technician:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;ference:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stat&amp;us:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The next page: incidents opened before the last one listed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search by any of the fields, or none to list the newest incidents.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading older incidents…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No incident matches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n incident(s) listed, the most recently opened first.</source>
        <translation>
            <numerusform>%n incident listed, the most recently opened first.</numerusform>
            <numerusform>%n incidents listed, the most recently opened first.</numerusform>
        </translation>
    </message>
    <message>
        <source>Older ones match too: Older incidents lists them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The search was not run: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The history could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. +27 71 000 0001</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <source>Ticket %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (+%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no technician wrote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n matching)</source>
        <translation>
            <numerusform>%1 (%n matching)</numerusform>
            <numerusform>%1 (%n matching)</numerusform>
        </translation>
    </message>
    <message>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Technician</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What was said</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>Loading the picture…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 × %2 pixels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The photo was not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentCardPanel</name>
    <message>
        <source>People released</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not known</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>People trapped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none reported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Injuries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. between floors 4 and 5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Floor or position</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the incident card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fire brigade called</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ambulance called</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Police called</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Released at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes may have at most %1 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the card…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card could not be loaded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing recorded yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version %1, saved by %2 at %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 saved this version while you were editing: their changes are shown, yours are kept. Check and save.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed, not saved yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card was not saved: notes may have at most %1 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card was not saved: %1 Their version is shown with your changes on top: check and save again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card was not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentExporter</name>
    <message>
        <source>Only supervisors and admins can export incidents; ask one of them to export this one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The incident was not exported: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server sent %1 rather than a %2 export. Nothing was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>something untyped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export came without its checksum, signature or key (X-Liftline-Sha256, X-Liftline-Signature, X-Liftline-Signing-Key). Nothing was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export arrived damaged: its SHA-256 is %1, but the server signed %2. Nothing was saved; export it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The export was signed with the key %1, but the server publishes the key %2. Nothing was saved; export it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unreadable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s public key could not be read, and the signature file needs it: %1 Nothing was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be written: %2. Nothing was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This server does not make PDF exports. Export the signed JSON instead, or ask its administrator about PDF exports.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be written: %2. What was already in place was removed again (%3): nothing was saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be written: %2. What was already in place could not all be removed again: delete %3 by hand, as it lacks its checksum or signature file.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentView</name>
    <message>
        <source>Reading the incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident (ticket %1), read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read-only: the incident&apos;s record as the server keeps it. Nothing here changes it; an open conversation is answered from the list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the view is doing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages of the incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the incident as a signed file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saves the incident&apos;s record as the server signs it (JSON or PDF), with its SHA-256 and signature files beside it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported to %1, with its .sha256 and .sig files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scroll up for older messages.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The incident could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (+%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>opened %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>still open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolved %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no technician wrote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>technician: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)</source>
        <translation>
            <numerusform>%n message</numerusform>
            <numerusform>%n messages</numerusform>
        </translation>
    </message>
    <message>
        <source>Older messages could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An export is under way: wait for it to finish.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contact details copied</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The recording was not loaded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the contact details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View the photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Play</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History of this message…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file was not saved: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Liftline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by reference, lift, site or technician (Ctrl+K)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Unassigned messages…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent requested: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 at %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>(%n waiting) </source>
        <translation>
            <numerusform>(%n waiting) </numerusform>
            <numerusform>(%n waiting) </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n unread) </source>
        <translation>
            <numerusform>(%n unread) </numerusform>
            <numerusform>(%n unread) </numerusform>
        </translation>
    </message>
    <message>
        <source>Liftline: %1 waiting, %2 unread, %3 unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n unassigned message(s)</source>
        <translation>
            <numerusform>%n unassigned message</numerusform>
            <numerusform>%n unassigned messages</numerusform>
        </translation>
    </message>
    <message>
        <source>Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The conversations could not be loaded: %1 Trying again…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnecting… (what happens meanwhile follows when connected)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent requested, no open ticket: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) from no open ticket: Console → Unassigned messages</source>
        <translation>
            <numerusform>%n request from no open ticket: Console → Unassigned messages</numerusform>
            <numerusform>%n requests from no open ticket: Console → Unassigned messages</numerusform>
        </translation>
    </message>
    <message>
        <source>Silence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the resolved conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnect now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnect to the server now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Silence the alarm for the requests waiting now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Silences the alarm for the requests waiting now (Ctrl+M). A new request sounds again; the notifications stay until someone takes them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent requests waiting: open the longest waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Liftline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Alarm silenced for %n request(s). They still wait for someone to take them.</source>
        <translation>
            <numerusform>Alarm silenced for %n request. It still waits for someone to take it.</numerusform>
            <numerusform>Alarm silenced for %n requests. They still wait for someone to take them.</numerusform>
        </translation>
    </message>
    <message>
        <source>Requests are waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n agent request(s) are waiting and nobody has taken them yet. If you leave, this console stops alerting. Leave anyway?</source>
        <translation>
            <numerusform>%n agent request is waiting and nobody has taken it yet. If you leave, this console stops alerting. Leave anyway?</numerusform>
            <numerusform>%n agent requests are waiting and nobody has taken them yet. If you leave, this console stops alerting. Leave anyway?</numerusform>
        </translation>
    </message>
    <message>
        <source>Leave</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Liftline is still running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests still alert here. Console → Quit ends the console.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n agent request(s) waiting</source>
        <translation>
            <numerusform>%n agent request waiting</numerusform>
            <numerusform>%n agent requests waiting</numerusform>
        </translation>
    </message>
    <message>
        <source> · longest %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · click to open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline since %1: no news from the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected to the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Trying again in %n s.</source>
        <translation>
            <numerusform>Trying again in %n s.</numerusform>
            <numerusform>Trying again in %n s.</numerusform>
        </translation>
    </message>
    <message>
        <source>The list and the waiting clocks may be out of date.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n reply(s) go out when connected.</source>
        <translation>
            <numerusform>%n reply goes out when connected.</numerusform>
            <numerusform>%n replies go out when connected.</numerusform>
        </translation>
    </message>
    <message>
        <source>Available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Busy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On a break</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Busy or on a break, requests are escalated without waiting for you</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 not taken after %2: escalated to the supervisors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 not taken after %2: on-call staff not called (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the number is blocked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a number outside the registry, over its limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 not taken after %2: on-call level %3 called out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;requests…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident &amp;history…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 not taken after %2: no supervisor is at a console</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MediaLoader</name>
    <message>
        <source>This picture is not a JPEG, PNG or WebP image, so it is not shown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This picture cannot be read (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This picture claims %1 × %2 pixels, too many to show safely.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This picture cannot be shown: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MemoryCredentialStore</name>
    <message>
        <source>This computer has no credential store: you stay signed in until the console closes, and it asks for your password again when it starts.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✓✓ read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not confirmed: activate to send again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>edited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(activate to open or save)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the picture…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageHistoryDialog</name>
    <message>
        <source>Reading the message&apos;s record…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History of message %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WhatsApp&apos;s time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The message as first stored, then each change in the order it came</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The record could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As first stored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted by the sender</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reaction taken away</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reaction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no: not the sender</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File: %1, %2, %3 bytes, SHA-256 %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Message %1 on ticket %2, WhatsApp id %3. %n change(s) since it was stored; none rewrote it.</source>
        <translation>
            <numerusform>Message %1 on ticket %2, WhatsApp id %3. %n change since it was stored; none rewrote it.</numerusform>
            <numerusform>Message %1 on ticket %2, WhatsApp id %3. %n changes since it was stored; none rewrote it.</numerusform>
        </translation>
    </message>
    <message>
        <source>to %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageModel</name>
    <message>
        <source>Liftline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 at %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Talk to an agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tapped “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[image]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[video]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[audio]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[voice message]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[document]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[sticker]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[location]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[contacts]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[reaction]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[reaction removed]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[unsupported]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[edit]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[revoke]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent automatically</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted by the sender</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[contact]</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the contact details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sticker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Voice message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audio</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Video</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Document</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: fetching it from WhatsApp…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: not available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 not available: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2: sending…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RequestsDialog</name>
    <message>
        <source>%1%2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the consoles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the supervisors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>on-call level %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open requests</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ladder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who has it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request&apos;s timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The requests could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message from a number with no ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · +%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not alerted yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 alerted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1; next in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nobody yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No request is open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n open request(s).</source>
        <translation>
            <numerusform>%n open request.</numerusform>
            <numerusform>%n open requests.</numerusform>
        </translation>
    </message>
    <message>
        <source>A message with no ticket is assigned by attaching it to one (Console → Unassigned messages).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a request to see its timeline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign the request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assigned.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not assigned: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The technician&apos;s message reached the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>+%1 wrote: “%2”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request raised</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source> (asked %n more time(s) while waiting)</source>
        <translation>
            <numerusform> (asked %n more time while waiting)</numerusform>
            <numerusform> (asked %n more times while waiting)</numerusform>
        </translation>
    </message>
    <message>
        <source>First console alerted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Step %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>agents available: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no agent available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>supervisors: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>on call: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nobody called out (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (%1 s late)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Taken by %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First reply sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next step at %1 unless someone takes it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not an emergency…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Block number…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closes the request with your reason: the consoles stop alerting and nobody more is called out. Audited.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The number&apos;s requests then alert the consoles only: no supervisors, no call-out. Audited; an administrator lifts it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not an emergency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why is this request not an emergency? (kept in the audit trail)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed as not an emergency.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not closed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Block +%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why block +%1? Its requests will alert the consoles only, until an administrator lifts the block.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>+%1 is blocked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not blocked: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no supervisor at a console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not at a console: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Show desktop notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send with Ctrl+Enter (Enter starts a new line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seconds between reminders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remind of an untaken request every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications go through: %1. A new server address or language applies the next time the console starts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sound the alarm until a request is taken</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alarm volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> %</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in to Liftline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Username</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the server&apos;s address, for example https://liftline.example.co.za</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your username and password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unencrypted connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not encrypted: your password and every chat would cross the network where others can read them. Use it anyway?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed in: use the server&apos;s https:// address.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SoundEffectAlarmSound</name>
    <message>
        <source>No audio output device was found, so the alarm cannot be heard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The alarm sound could not be played on %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UnassignedDialog</name>
    <message>
        <source>Attach</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassigned messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket to attach to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attach the selected message to the ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attach to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inbound messages that matched no ticket:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a message and the ticket it belongs to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the selected message&apos;s request for an agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every console stops alerting; reply after attaching it to a ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You took the request. Attach the message to its ticket to reply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find the lift: building, site or SIM number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find the lift to open a ticket on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lift to open a ticket on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a ticket on the lift for the selected message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Or open a ticket on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (resolved)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (+%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: has ticket %2, attach to it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No lift matches “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a message and find the lift it is about.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening a ticket…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ticket %1 opened with the message.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Messages with this number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply to this number before it has a ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reply to the selected message&apos;s number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send the reply to this number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delivered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1  %2 → “%3” (%4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1  +%2: “%3”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View the photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View the selected message&apos;s photo</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UnassignedModel</name>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asks for an agent! </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (edited)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Liftline console: the agents&apos; desktop app for lift emergencies over WhatsApp.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The username to sign in with.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your session ended (%1). Sign in again to continue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in with the password on standard input (one line), as a script that starts the console does.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
