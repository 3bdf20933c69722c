<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ApiClient</name>
    <message>
        <location filename="../app/api/ApiClient.cpp" line="63"/>
        <source>The server did not answer in time. Check the connection and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/api/ApiClient.cpp" line="64"/>
        <source>The server cannot be reached (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/api/ApiClient.cpp" line="69"/>
        <source>The server answered with something that is not Liftline&apos;s API (HTTP %1). Check the server address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/api/ApiClient.cpp" line="81"/>
        <source>The server refused the request (HTTP %1).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="30"/>
        <source>Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="31"/>
        <source>Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="32"/>
        <source>Acknowledge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="33"/>
        <source>Resolve…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="34"/>
        <source>Invite back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="44"/>
        <source>Back to the conversation list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="45"/>
        <source>Send the reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="46"/>
        <source>Acknowledge the agent request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="47"/>
        <source>Resolve the ticket with a note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="48"/>
        <source>Send the re-engagement template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="49"/>
        <source>The technician&apos;s 24-hour window is closed: only a template can reach them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="50"/>
        <source>Messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="97"/>
        <source>Resolve %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="98"/>
        <source>What was done (kept with the ticket):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="147"/>
        <source>No conversation open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="148"/>
        <source>Unknown technician</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="149"/>
        <source>%1 · %2 · %3 (%4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="151"/>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="151"/>
        <source>closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="160"/>
        <source>The technician has not written yet: only a template can reach them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="164"/>
        <source>Window closes in %1 h %2 m</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="166"/>
        <source>Window closed: only a template can reach them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="177"/>
        <source>Write a reply. Enter sends, Shift+Enter starts a new line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="184"/>
        <source>%1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ChatPanel.cpp" line="195"/>
        <source>The reply is %1 characters long; WhatsApp takes at most %2. Shorten it or split it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../app/ui/Composer.cpp" line="8"/>
        <source>Reply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/Composer.cpp" line="9"/>
        <source>Write a reply. Enter sends, Shift+Enter starts a new line.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConsoleSession</name>
    <message>
        <location filename="../app/api/ConsoleSession.cpp" line="67"/>
        <source>Loading unassigned messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/api/ConsoleSession.cpp" line="121"/>
        <source>Marking the conversation read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/api/ConsoleSession.cpp" line="124"/>
        <source>Loading the conversation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/api/ConsoleSession.cpp" line="145"/>
        <source>Loading older messages</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConversationDelegate</name>
    <message>
        <location filename="../app/ui/ConversationDelegate.cpp" line="18"/>
        <source>waiting %1:%2:%3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/ConversationDelegate.cpp" line="22"/>
        <source>waiting %1:%2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConversationListModel</name>
    <message>
        <location filename="../app/models/ConversationListModel.cpp" line="75"/>
        <source>%1, %2, %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/models/ConversationListModel.cpp" line="78"/>
        <source>Agent requested: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/models/ConversationListModel.cpp" line="81"/>
        <source>, %n unread</source>
        <translation>
            <numerusform>, %n unread</numerusform>
            <numerusform>, %n unread</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="49"/>
        <location filename="../app/ui/MainWindow.cpp" line="277"/>
        <source>Liftline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="55"/>
        <source>Conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="57"/>
        <source>Filter conversations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="58"/>
        <source>Filter by reference, lift, site or technician (Ctrl+K)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="71"/>
        <source>Connection state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="90"/>
        <source>%1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="168"/>
        <source>&amp;Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="169"/>
        <source>&amp;Unassigned messages…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="174"/>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="179"/>
        <source>Sign &amp;out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="180"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="246"/>
        <source>Agent requested: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="247"/>
        <source>%1 at %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/ui/MainWindow.cpp" line="279"/>
        <source>(%n waiting) </source>
        <translation>
            <numerusform>(%n waiting) </numerusform>
            <numerusform>(%n waiting) </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../app/ui/MainWindow.cpp" line="281"/>
        <source>(%n unread) </source>
        <translation>
            <numerusform>(%n unread) </numerusform>
            <numerusform>(%n unread) </numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="287"/>
        <source>Liftline: %1 waiting, %2 unread, %3 unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../app/ui/MainWindow.cpp" line="289"/>
        <source>%n unassigned message(s)</source>
        <translation>
            <numerusform>%n unassigned message</numerusform>
            <numerusform>%n unassigned messages</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="297"/>
        <source>Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="300"/>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="303"/>
        <source>Reconnecting… (events are kept; nothing will be missed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="306"/>
        <source>Signed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MainWindow.cpp" line="309"/>
        <source>Offline</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MemoryCredentialStore</name>
    <message>
        <location filename="../app/api/CredentialStore.cpp" line="10"/>
        <source>This computer has no credential store: you stay signed in until the console closes, and it asks for your password again when it starts.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <location filename="../app/ui/MessageDelegate.cpp" line="38"/>
        <source>sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MessageDelegate.cpp" line="44"/>
        <source>✓✓ read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/MessageDelegate.cpp" line="46"/>
        <source>not sent</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MessageModel</name>
    <message>
        <location filename="../app/models/MessageModel.cpp" line="66"/>
        <source>Liftline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/models/MessageModel.cpp" line="88"/>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/models/MessageModel.cpp" line="90"/>
        <source>Yesterday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/models/MessageModel.cpp" line="98"/>
        <source>%1 at %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../app/ui/SettingsDialog.cpp" line="19"/>
        <source>Play a sound with each alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SettingsDialog.cpp" line="20"/>
        <source>Show desktop notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SettingsDialog.cpp" line="22"/>
        <source>Send with Ctrl+Enter (Enter starts a new line)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SettingsDialog.cpp" line="24"/>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SettingsDialog.cpp" line="25"/>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SettingsDialog.cpp" line="26"/>
        <location filename="../app/ui/SettingsDialog.cpp" line="42"/>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SettingsDialog.cpp" line="27"/>
        <source>Seconds between reminders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SettingsDialog.cpp" line="29"/>
        <source>As the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SettingsDialog.cpp" line="36"/>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SettingsDialog.cpp" line="41"/>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SettingsDialog.cpp" line="45"/>
        <source>Remind of an untaken request every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SettingsDialog.cpp" line="47"/>
        <source>Notifications go through: %1. A new server address or language applies the next time the console starts.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../app/ui/SignInDialog.cpp" line="20"/>
        <location filename="../app/ui/SignInDialog.cpp" line="27"/>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SignInDialog.cpp" line="22"/>
        <source>Sign in to Liftline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SignInDialog.cpp" line="24"/>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SignInDialog.cpp" line="25"/>
        <location filename="../app/ui/SignInDialog.cpp" line="37"/>
        <source>Username</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SignInDialog.cpp" line="26"/>
        <location filename="../app/ui/SignInDialog.cpp" line="38"/>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SignInDialog.cpp" line="36"/>
        <source>Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SignInDialog.cpp" line="69"/>
        <source>Enter the server&apos;s address, for example https://liftline.example.co.za</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/SignInDialog.cpp" line="74"/>
        <source>Enter your username and password.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UnassignedDialog</name>
    <message>
        <location filename="../app/ui/UnassignedDialog.cpp" line="22"/>
        <source>Attach</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/UnassignedDialog.cpp" line="25"/>
        <location filename="../app/ui/UnassignedDialog.cpp" line="28"/>
        <source>Unassigned messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/UnassignedDialog.cpp" line="29"/>
        <source>Ticket to attach to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/UnassignedDialog.cpp" line="30"/>
        <source>Attach the selected message to the ticket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/UnassignedDialog.cpp" line="34"/>
        <source>Attach to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/UnassignedDialog.cpp" line="38"/>
        <source>Inbound messages that matched no ticket:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/UnassignedDialog.cpp" line="57"/>
        <source>%1 · %2 · %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/UnassignedDialog.cpp" line="70"/>
        <source>Choose a message and the ticket it belongs to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/ui/UnassignedDialog.cpp" line="78"/>
        <source>Attached.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UnassignedModel</name>
    <message>
        <location filename="../app/models/UnassignedModel.cpp" line="31"/>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/models/UnassignedModel.cpp" line="40"/>
        <source>%1, %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/main.cpp" line="39"/>
        <source>Liftline console: the agents&apos; desktop app for lift emergencies over WhatsApp.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/main.cpp" line="44"/>
        <source>The server&apos;s address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/main.cpp" line="46"/>
        <source>The username to sign in with.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../app/main.cpp" line="87"/>
        <source>Your session ended (%1). Sign in again to continue.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
