// The countries data set, loaded once from the `countries-list` package (pure data, MIT):
// no network access at run time, so the demo works offline.
import { continents as continentNames, countries as countryRecords } from 'countries-list';

/**
 * Builds the immutable in-memory data set.
 * Capital and currency are null when the source has none (Antarctica, Bouvet Island, ...);
 * several currencies are joined with a comma, as the public countries GraphQL API does.
 */
function build() {
  const continents = Object.entries(continentNames)
    .map(([code, name]) => ({ code, name, countries: [] }))
    .sort((a, b) => a.code.localeCompare(b.code));
  const continentByCode = new Map(continents.map((c) => [c.code, c]));

  const countries = Object.entries(countryRecords)
    .map(([code, record]) => {
      const continent = continentByCode.get(record.continent);
      if (!continent) {
        throw new Error(`country ${code} has unknown continent ${record.continent}`);
      }
      return Object.freeze({
        code,
        name: record.name,
        capital: record.capital ? record.capital : null,
        currency: record.currency.length > 0 ? record.currency.join(',') : null,
        continent,
      });
    })
    .sort((a, b) => a.code.localeCompare(b.code));

  for (const country of countries) {
    country.continent.countries.push(country);
  }
  for (const continent of continents) {
    Object.freeze(continent.countries);
    Object.freeze(continent);
  }
  return {
    countries: Object.freeze(countries),
    continents: Object.freeze(continents),
    countryByCode: new Map(countries.map((c) => [c.code, c])),
  };
}

const dataSet = build();

/** All countries, sorted by ISO 3166-1 alpha-2 code. */
export const countries = dataSet.countries;

/** All continents, sorted by code. */
export const continents = dataSet.continents;

/**
 * The country with this ISO 3166-1 alpha-2 code (any case), or null.
 * @param {string} code
 */
export function countryByCode(code) {
  return dataSet.countryByCode.get(String(code).trim().toUpperCase()) ?? null;
}

/**
 * The continent with this code (`EU`) or name (`Europe`), case-insensitive, or null.
 * @param {string} codeOrName
 */
export function findContinent(codeOrName) {
  const wanted = String(codeOrName).trim().toLowerCase();
  return (
    continents.find((c) => c.code.toLowerCase() === wanted || c.name.toLowerCase() === wanted) ??
    null
  );
}
