CREATE TABLE addresses (id integer PRIMARY KEY, city text, zip text, country text);
CREATE STATISTICS addresses_city_zip (ndistinct, dependencies) ON city, zip FROM addresses;
CREATE STATISTICS addresses_zip_country (dependencies) ON zip, country FROM addresses;
COMMENT ON STATISTICS addresses_zip_country IS 'zip implies country';
CREATE STATISTICS addresses_city_country (mcv) ON city, country FROM addresses;
CREATE TABLE visits (id integer PRIMARY KEY, day date, region text);
CREATE STATISTICS visits_day_region ON day, region FROM visits;
ALTER STATISTICS visits_day_region SET STATISTICS 200;
