CREATE TABLE addresses (id integer PRIMARY KEY, city text, zip text, country text);
CREATE STATISTICS addresses_city_zip (ndistinct) ON city, zip FROM addresses;
CREATE STATISTICS addresses_zip_country (dependencies) ON zip, country FROM addresses;
ALTER STATISTICS addresses_zip_country SET STATISTICS 500;
