-- The benchmark data set, generated inside Postgres (seconds, where the API would take
-- minutes): categories, :celebrities celebrities (1 % soft-deleted, most with an image record),
-- :users accounts in all, :bookings bookings with their audit trails and outbox messages.
--
-- Run by bench/run.sh after `headliner migrate` and `headliner create-admin`, so the admin
-- account exists: its argon2id hash (of the bench password) is copied to every generated
-- account, which can then log in with that password. Ids are md5-derived UUIDs of a name and
-- a number, so the harness can name any row without asking the database:
--   celebrity n: md5('bench-celebrity-' || n)::uuid     n = 1 .. :celebrities
--   user u:      md5('bench-user-' || u)::uuid          u = 1 .. (:users - 1)
--   booking b:   md5('bench-booking-' || b)::uuid       b = 1 .. :bookings
-- Users: talent<i>@bench.example (i = 1 .. :users/10, each the talent of celebrity i), the
-- rest customer<i>@bench.example; plus the admin made by create-admin.
--
-- Bookings: booking b belongs to celebrity ((b-1) % C) + 1 as its k-th slot, k = (b-1) / C;
-- slot k starts (k - 5) * 9 days + 4 days + (celebrity % 24) hours from the current hour and
-- lasts 1 to 4 hours, so no two active bookings of a celebrity overlap (bookings_no_overlap).
-- Past slots are completed, cancelled or rejected; future ones pending, confirmed or cancelled,
-- each with the audit rows of its path and one sent outbox message per audit row. Everything
-- the harness creates later (new bookings) lies a year or more ahead, clear of these.
\set ON_ERROR_STOP on
BEGIN;

CREATE TEMP TABLE words (kind text, n int, word text);
INSERT INTO words
SELECT 'first', ordinality - 1, w FROM unnest(ARRAY[
  'Ada','Ben','Cleo','Dev','Elsa','Finn','Gia','Hugo','Iris','Jude','Kai','Lena','Milo','Nina','Omar',
  'Pia','Quinn','Rosa','Sami','Tess','Uma','Vito','Wren','Xena','Yuri','Zara','Alba','Bram','Cora',
  'Dario','Edie','Femi','Greta','Hana','Ivo','Jonas','Kira','Luca','Maya','Noor','Olek','Priya','Remy',
  'Sofia','Theo','Ulla','Vera','Wade','Yara','Zeno','Amara','Bodhi','Celine','Dimitri','Esme','Felix',
  'Gala','Hector','Ines','Jasper','Keanu','Lila','Mateo','Nadia','Otis','Paloma','Rafael','Selma',
  'Tobias','Valentina','Willa','Xavier','Yusuf','Zoe','Anouk','Basil','Carmen','Dario','Elio','Freya',
  'Gustav','Hedda','Idris','Juno','Kasimir','Liv','Marlon','Nico','Odile','Pascal','Roxane','Silas',
  'Thea','Ugo','Viggo','Wanda','Ximena','Yves','Zelda','Arlo']) WITH ORDINALITY AS t(w, ordinality);
INSERT INTO words
SELECT 'last', ordinality - 1, w FROM unnest(ARRAY[
  'Stone','Rivers','Vale','Marlowe','Quill','Hart','Frost','Lane','Moreau','Okafor','Sato','Novak',
  'Bianchi','Larsen','Duarte','Kowalski','Haddad','Ivanova','Jensen','Mbeki','Nakamura','Oliveira',
  'Petrov','Rossi','Schmidt','Tanaka','Urquhart','Varga','Weiss','Yilmaz','Zhou','Abara','Bergman',
  'Castell','Delacroix','Eriksen','Fontaine','Galloway','Holm','Ishikawa','Jovanovic','Kaur','Lindqvist',
  'Mendez','Nyberg','Ortega','Park','Quintero','Ramos','Silva','Thorne','Ueda','Vasquez','Whitlock',
  'Xu','Yamada','Zamora','Achebe','Blackwood','Caruso','Dubois','Engel','Fischer','Grant','Horvath',
  'Iqbal','Jaramillo','Keller','Lopez','Mori','Nilsen','Osei','Pham','Reyes','Sorensen','Tremblay',
  'Ulrich','Vogel','Wolfe','Yoon','Zeller','Ahn','Bauer','Cruz','Diaz','Evans','Ferreira','Garcia',
  'Hughes','Ito','Jimenez','Kim','Lund','Moreno','Nunez','Olsen','Perez','Quinn','Rahman','Santos']) WITH ORDINALITY AS t(w, ordinality);
INSERT INTO words
SELECT 'adj', ordinality - 1, w FROM unnest(ARRAY[
  'award-winning','celebrated','chart-topping','beloved','acclaimed','charismatic','legendary','rising',
  'versatile','fearless','soulful','witty','inventive','record-breaking','tireless','magnetic']) WITH ORDINALITY AS t(w, ordinality);
INSERT INTO words
SELECT 'city', ordinality - 1, w FROM unnest(ARRAY[
  'Lisbon','Lagos','Osaka','Toronto','Melbourne','Marseille','Glasgow','Bogota','Seoul','Nairobi',
  'Dublin','Krakow','Austin','Porto','Helsinki','Manila','Accra','Valencia','Montreal','Auckland']) WITH ORDINALITY AS t(w, ordinality);
INSERT INTO words
SELECT 'known', ordinality - 1, w FROM unnest(ARRAY[
  'sold-out stadium tours','a string of number-one singles','unforgettable live shows',
  'fearless improvisation','a decade of prime-time television','record-setting marathon wins',
  'intimate acoustic sets','viral late-night sketches','bestselling memoirs','daring stunt work',
  'generous charity work','genre-bending collaborations','a famously warm stage presence',
  'sharp political satire','championship-winning seasons','masterful storytelling']) WITH ORDINALITY AS t(w, ordinality);

CREATE TEMP TABLE cats (n int, slug text, name text, role text);
INSERT INTO cats VALUES
  (0, 'music', 'Music', 'singer'), (1, 'film', 'Film', 'actor'), (2, 'sport', 'Sport', 'athlete'),
  (3, 'comedy', 'Comedy', 'comedian'), (4, 'television', 'Television', 'presenter'),
  (5, 'literature', 'Literature', 'novelist'), (6, 'science', 'Science', 'science communicator'),
  (7, 'fashion', 'Fashion', 'designer'), (8, 'dance', 'Dance', 'dancer'), (9, 'magic', 'Magic', 'illusionist'),
  (10, 'food', 'Food', 'chef'), (11, 'gaming', 'Gaming', 'streamer');
INSERT INTO categories (slug, name, created_at) SELECT slug, name, now() - interval '800 days' FROM cats;

-- Celebrities ---------------------------------------------------------------------------------
INSERT INTO celebrities (id, slug, name, category, bio, base_price_minor, currency, created_at, updated_at, deleted_at)
SELECT md5('bench-celebrity-' || i)::uuid,
       lower(f.word) || '-' || lower(l.word) || '-' || i,
       f.word || ' ' || l.word,
       c.slug,
       f.word || ' ' || l.word || ' is a ' || a.word || ' ' || c.role || ' from ' || ci.word
         || ', known for ' || k1.word || ' and ' || k2.word || '. '
         || 'Available for ' || (ARRAY['keynotes','private parties','brand launches','charity galas','award nights','festival slots'])[1 + i % 6]
         || ', ' || (ARRAY['meet-and-greets','panel talks','corporate retreats','weddings','product shoots','school visits'])[1 + i % 5]
         || ' and personalised video messages. Travels from ' || ci2.word || ' with a small crew; '
         || 'books out weeks ahead in festival season, so early requests are recommended.',
       (50 + (i * 7919) % 1950) * 10000,
       (ARRAY['USD','USD','USD','EUR','GBP','EUR','AUD'])[1 + i % 7],
       now() - make_interval(days => 1 + i % 700, secs => i),
       now() - make_interval(days => i % 30, secs => i),
       CASE WHEN i % 100 = 99 THEN now() - make_interval(days => i % 20) END
FROM generate_series(1, :celebrities) AS g(i)
JOIN words f ON f.kind = 'first' AND f.n = (i * 7) % 100
JOIN words l ON l.kind = 'last' AND l.n = (i * 13 + i / 100) % 100
JOIN words a ON a.kind = 'adj' AND a.n = i % 16
JOIN words ci ON ci.kind = 'city' AND ci.n = (i * 3) % 20
JOIN words ci2 ON ci2.kind = 'city' AND ci2.n = (i * 11 + 5) % 20
JOIN words k1 ON k1.kind = 'known' AND k1.n = i % 16
JOIN words k2 ON k2.kind = 'known' AND k2.n = (i * 5 + 3) % 16
JOIN cats c ON c.n = i % 12;

-- Four in five profiles have a portrait record (the files themselves are not benchmarked).
INSERT INTO celebrity_images (id, celebrity_id, file_name, content_type, width, height, byte_size, created_at)
SELECT md5('bench-image-' || n)::uuid, md5('bench-celebrity-' || n)::uuid,
       md5('bench-image-' || n)::uuid || '.jpg', 'image/jpeg', 800, 1000, 90000 + n % 50000,
       now() - make_interval(days => n % 30)
FROM generate_series(1, :celebrities) AS n WHERE n % 5 <> 0;

-- Accounts ------------------------------------------------------------------------------------
-- u = 1 .. :users/10 are talent, the rest (up to :users - 1) customers; the admin is the :users-th.
INSERT INTO users (id, email, display_name, password_hash, role, celebrity_id, created_at, updated_at)
SELECT md5('bench-user-' || u)::uuid,
       CASE WHEN u <= :users / 10 THEN 'talent' || u ELSE 'customer' || u END || '@bench.example',
       f.word || ' ' || l.word,
       (SELECT password_hash FROM users WHERE role = 'admin' LIMIT 1),
       CASE WHEN u <= :users / 10 THEN 'talent' ELSE 'customer' END,
       CASE WHEN u <= :users / 10 THEN md5('bench-celebrity-' || u)::uuid END,
       now() - make_interval(days => 400 - u % 400),
       now() - make_interval(days => u % 50)
FROM generate_series(1, :users - 1) AS u
JOIN words f ON f.kind = 'first' AND f.n = (u * 17) % 100
JOIN words l ON l.kind = 'last' AND l.n = (u * 29) % 100;

-- Bookings ------------------------------------------------------------------------------------
CREATE TEMP TABLE plan AS
SELECT b,
       md5('bench-booking-' || b)::uuid AS id,
       c,
       k,
       md5('bench-celebrity-' || c)::uuid AS celebrity_id,
       -- customers are u = :users/10 + 1 .. :users - 1
       md5('bench-user-' || (:users / 10 + 1 + (b * 7) % (:users - 1 - :users / 10)))::uuid AS customer_id,
       date_trunc('hour', now()) + make_interval(days => (k - 5) * 9 + 4, hours => c % 24) AS starts_at,
       1 + b % 4 AS hours,
       CASE
         WHEN k < 5 THEN (ARRAY['completed','completed','completed','cancelled','rejected'])[1 + b % 5]
         ELSE (ARRAY['pending','pending','confirmed','confirmed','pending','confirmed','pending','cancelled','pending','confirmed'])[1 + (b / 7) % 10]
       END AS status
FROM (SELECT b, ((b - 1) % :celebrities) + 1 AS c, (b - 1) / :celebrities AS k
      FROM generate_series(1, :bookings) AS b) s;

INSERT INTO bookings (id, customer_id, celebrity_id, starts_at, ends_at, time_zone, event_type, location, message,
                      price_minor, currency, status, version, created_at, updated_at)
SELECT p.id, p.customer_id, p.celebrity_id, p.starts_at, p.starts_at + make_interval(hours => p.hours),
       (ARRAY['Europe/London','America/New_York','Europe/Lisbon','Asia/Tokyo','Australia/Sydney','Europe/Berlin'])[1 + p.b % 6],
       (ARRAY['appearance','performance','speech','personalised_video','other'])[1 + p.b % 5],
       (ARRAY['The Roundhouse, London','Madison Hall, New York','Coliseu, Lisbon','Zepp, Osaka',
              'Opera House, Sydney','Tempodrom, Berlin','A private residence','Online'])[1 + p.b % 8],
       (ARRAY['A short speech and photos with the team, please.',
              'Thirty minutes on stage, then a meet-and-greet with our guests.',
              'Birthday surprise for my sister, she is a huge fan!',
              'Opening remarks for our annual awards night.', ''])[1 + p.b % 5],
       c.base_price_minor * p.hours, c.currency, p.status,
       CASE p.status WHEN 'pending' THEN 1 WHEN 'confirmed' THEN 2 WHEN 'completed' THEN 3
                     WHEN 'cancelled' THEN 2 ELSE 2 END,
       LEAST(p.starts_at - make_interval(days => 10 + p.b % 40), now() - make_interval(mins => 1 + p.b % 1000)),
       LEAST(p.starts_at - make_interval(days => 2 + p.b % 5), now() - make_interval(secs => 1 + p.b % 1000))
FROM plan p JOIN celebrities c ON c.id = p.celebrity_id;

-- The audit trail of each path: requested, then the change(s) that led to the status.
CREATE TEMP TABLE trail AS
SELECT p.id AS booking_id, bk.created_at AS at, p.customer_id AS actor_id, 'customer' AS actor_role,
       NULL::text AS from_status, 'pending' AS to_status, NULL::text AS reason, 1 AS step
FROM plan p JOIN bookings bk ON bk.id = p.id
UNION ALL
SELECT p.id, bk.updated_at - CASE WHEN p.status = 'completed' THEN interval '1 day' ELSE interval '0' END,
       CASE WHEN p.status = 'cancelled' THEN p.customer_id
            WHEN p.c <= :users / 10 THEN md5('bench-user-' || p.c)::uuid
            ELSE (SELECT id FROM users WHERE role = 'admin' LIMIT 1) END,
       CASE WHEN p.status = 'cancelled' THEN 'customer' WHEN p.c <= :users / 10 THEN 'talent' ELSE 'admin' END,
       'pending', CASE WHEN p.status = 'completed' THEN 'confirmed' ELSE p.status END,
       CASE p.status WHEN 'rejected' THEN 'Not available that week, sorry.'
                     WHEN 'cancelled' THEN 'Our event moved to another date.' END,
       2
FROM plan p JOIN bookings bk ON bk.id = p.id WHERE p.status <> 'pending'
UNION ALL
SELECT p.id, bk.updated_at, NULL, 'system', 'confirmed', 'completed', NULL, 3
FROM plan p JOIN bookings bk ON bk.id = p.id WHERE p.status = 'completed';

INSERT INTO booking_events (booking_id, at, actor_id, actor_role, from_status, to_status, reason)
SELECT booking_id, at, actor_id, actor_role, from_status, to_status, reason FROM trail ORDER BY at, step;

-- One sent email per audit row, in the shape the app writes (kind/to/template/data).
INSERT INTO outbox (id, booking_id, payload, status, attempts, next_attempt_at, created_at, sent_at)
SELECT md5('bench-outbox-' || t.booking_id || '-' || t.step)::uuid, t.booking_id,
       jsonb_build_object('kind', 'email', 'to', u.email,
                          'template', CASE t.to_status WHEN 'pending' THEN 'booking_requested'
                                                       ELSE 'booking_' || t.to_status END,
                          'data', jsonb_build_object('booking_id', t.booking_id, 'status', t.to_status)),
       'sent', 1, t.at, t.at, t.at + interval '2 seconds'
FROM trail t JOIN bookings bk ON bk.id = t.booking_id JOIN users u ON u.id = bk.customer_id;

COMMIT;
VACUUM ANALYZE;
