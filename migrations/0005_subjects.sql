-- Identity across devices: a site's own id for a person (a "subject", signed by the site's
-- backend) points at the one visitor record that person's preferences live in. Every device
-- that presents a valid signed subject id uses that visitor record (see worker/routes/identify.ts).
CREATE TABLE subjects (
  site_id     TEXT NOT NULL,
  subject     TEXT NOT NULL,                      -- the site's id for the person, as signed
  visitor_id  TEXT NOT NULL,                      -- the visitor record their preferences live in
  created_at  TEXT NOT NULL,
  PRIMARY KEY (site_id, subject)
);
CREATE UNIQUE INDEX subjects_by_visitor ON subjects (site_id, visitor_id);
