// GraphQL schema and resolvers of the countries API.
import { countries, countryByCode, findContinent } from './data.js';

export const typeDefs = /* GraphQL */ `
  "A continent, as used by ISO 3166 country lists."
  type Continent {
    "Two-letter continent code: AF, AN, AS, EU, NA, OC, SA."
    code: ID!
    name: String!
    countries: [Country!]!
  }

  "A country or territory with an ISO 3166-1 alpha-2 code."
  type Country {
    "ISO 3166-1 alpha-2 code, upper case."
    code: ID!
    name: String!
    "Null when the territory has no capital."
    capital: String
    "ISO 4217 code(s), comma-separated when several are in use; null when none."
    currency: String
    continent: Continent!
  }

  type Query {
    "The country with this ISO 3166-1 alpha-2 code (case-insensitive), or null."
    country(code: ID!): Country
    "All countries, sorted by code."
    countries: [Country!]!
    "The countries of Europe (continent EU)."
    europeanCountries: [Country!]!
    "The countries of a continent given by code (EU) or name (Europe), case-insensitive; empty when unknown."
    countriesByContinent(continent: String!): [Country!]!
  }
`;

export const resolvers = {
  Query: {
    country: (_parent, { code }) => countryByCode(code),
    countries: () => countries,
    europeanCountries: () => findContinent('EU').countries,
    countriesByContinent: (_parent, { continent }) => findContinent(continent)?.countries ?? [],
  },
};
