-- A message as the API and the events carry it, as a row type: chat_message_json writes it with to_json,
-- which PostgreSQL does in one pass over the type's columns, without spaces. json_build_object looked up
-- each of the 23 values' types for every message and wrote "key" : value: the original page's
-- whole-thread call (10,000 messages) spent about 130 ms building 5.4 MB, and spends about 90 ms on 4.7 MB
-- this way (measured on the bench database). A field added to the message later is added here with ALTER
-- TYPE ... ADD ATTRIBUTE, in the order the API lists it.

-- liftline:step transaction: the message's wire type
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'chat_message_wire'
                    AND typnamespace = current_schema()::regnamespace) THEN
        CREATE TYPE chat_message_wire AS (
            id                bigint,
            ticket_id         integer,
            from_number       text,
            to_number         text,
            message           text,
            direction         text,
            agent_name        text,
            read_by_agent     boolean,
            created_at        text,
            wa_timestamp      text,
            kind              text,
            status            text,
            wa_message_id     text,
            error             json,
            client_message_id text,
            automatic         boolean,
            edited_at         text,
            edits             integer,
            revoked_at        text,
            reactions         json,
            media             json,
            location          json,
            contacts          json
        );
    END IF;
END
$$;
