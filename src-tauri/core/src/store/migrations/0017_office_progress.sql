-- What a sync needs to know about the office's history without reading it
-- all: each device's last received event (its chain's end) and how many
-- events were received. Both are written with each event in the same
-- transaction; an office of years holds hundreds of thousands of events,
-- and a sync should cost what is new, not what is old.
CREATE TABLE office_devices (
    device  TEXT PRIMARY KEY,
    seq     INTEGER NOT NULL,
    id      TEXT NOT NULL
) STRICT;

INSERT INTO office_devices (device, seq, id)
SELECT e.device, e.device_seq, e.id FROM office_events e
JOIN (SELECT device, max(device_seq) AS last FROM office_events WHERE server_seq IS NOT NULL GROUP BY device) h
  ON e.device = h.device AND e.device_seq = h.last;

ALTER TABLE office ADD COLUMN events_received INTEGER NOT NULL DEFAULT 0;
UPDATE office SET events_received = (SELECT count(*) FROM office_events WHERE server_seq IS NOT NULL);
