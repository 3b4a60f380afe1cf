-- The opening screen lists the catalogue in description order; without an
-- index that sorts every item on each keystroke-free browse.
CREATE INDEX items_description ON items(description, id);
