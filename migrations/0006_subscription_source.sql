-- R5.2: a signup's proof names the page it was made on. The page's URL without query or
-- fragment (they can carry personal data), or, when the browser sent none that matches its
-- Origin, the Origin itself. NULL for rows written before this column existed.
ALTER TABLE subscriptions ADD COLUMN source_url TEXT;
