import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export const API_PREFIX = '/api/v1';
export const API_VERSION = '1.0.0';

export const API_TAGS = [
  { name: 'Catalogue', description: 'Les services et les démarches de la collectivité.' },
  { name: 'Demandes', description: 'Déposer une demande et suivre son avancement.' },
  { name: 'Agents', description: 'Pour les agents connectés : l’aide au tri des messages reçus.' },
  { name: 'Assistant', description: 'Poser une question : la réponse vient des pages de la collectivité.' },
  { name: 'Rendez-vous', description: 'Les créneaux libres, la réservation, l’annulation et l’arrivée à l’accueil.' },
];

const DESCRIPTION = [
  'Cette API donne accès aux démarches de la collectivité.',
  'Elle permet aussi de déposer une demande et de suivre son avancement.',
  'Les réponses sont en JSON.',
  'Chaque erreur a un code stable (champ « error.code ») et un message en français (champ « error.message »).',
  'La collectivité est choisie par le nom de domaine, ou par le préfixe /t/<collectivité> des adresses.',
  'Les pièces jointes (fichiers) ne peuvent pas être envoyées par l’API : utilisez le formulaire en ligne.',
].join(' ');

/**
 * The document is generated from the route schemas. Only /api/v1 routes belong to it: the HTML
 * pages of the other modules are routes too, and would otherwise appear without any schema.
 */
export const swaggerOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: { title: 'API Guichet', version: API_VERSION, description: DESCRIPTION },
    servers: [{ url: '/', description: 'Ce site' }],
    tags: API_TAGS,
  },
  hideUntagged: true,
  transform: (input) => {
    if (!input.url.startsWith(API_PREFIX)) return { schema: { hide: true }, url: input.url };
    return jsonSchemaTransform(input);
  },
};

/** The JSON schema subset the generated document uses (draft 2020-12, as OpenAPI 3.1 does). */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  examples?: unknown[];
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

/** @fastify/swagger moves a schema's `examples` up to the media type's `example`. */
export interface OpenApiMediaType {
  schema: JsonSchema;
  example?: unknown;
}

export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { description?: string; required?: boolean; content: Record<string, OpenApiMediaType> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: JsonSchema }> }>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: unknown;
}

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
