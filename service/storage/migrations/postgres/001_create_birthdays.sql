CREATE TABLE birthdays (
  username TEXT PRIMARY KEY,
  date_of_birth DATE NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
