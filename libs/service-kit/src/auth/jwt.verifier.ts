import { jwtVerify, createRemoteJWKSet } from 'jose';
export const x = [jwtVerify, createRemoteJWKSet];
