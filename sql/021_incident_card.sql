-- The incident card of a ticket: the facts an incident report needs (people trapped, injuries, where the
-- car is, the emergency services called and when, when people were released, notes). Every save is a new
-- version, kept with who saved it and when; the newest is the card. A save names the version it changes,
-- so that two agents editing at once do not overwrite each other unseen.

-- liftline:step transaction: the card's versions
CREATE TABLE IF NOT EXISTS incident_cards (
    ticket_id        integer NOT NULL REFERENCES tickets (id),
    version          integer NOT NULL CHECK (version >= 1),
    people_trapped   integer CHECK (people_trapped BETWEEN 0 AND 1000),
    injuries         text CHECK (length(injuries) <= 1000),
    position         text CHECK (length(position) <= 200),
    services         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(services) = 'array'),
    released_at      timestamptz,
    notes            text CHECK (length(notes) <= 4000),
    edited_by        text NOT NULL,
    edited_by_actor  text NOT NULL,
    edited_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (ticket_id, version)
);
