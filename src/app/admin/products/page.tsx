import type { Metadata } from 'next';
import { SearchFilter } from '@/components/search-filter';
import { ListProductsInput } from '@/lib/schemas/licensing';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { listProducts } from '@/server/licensing/catalog';
import { NewProductDialog } from './new-product-dialog';
import { ProductsList } from './products-list';

export const metadata: Metadata = { title: 'Products' };

const PAGE_SIZE = 20;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

export default async function ProductsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession(['ADMIN'], '/admin/products');
  // A malformed search (hand-edited URL) is ignored rather than an error page.
  const search = ListProductsInput.shape.search.catch(undefined).parse(first((await searchParams).search));
  const firstPage = await listProducts(await getDb(), { search, limit: PAGE_SIZE });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold text-slate-900">Products</h1>
          <p className="mt-1 text-sm text-slate-600">What you license. Each plan carries the policy copied into the licenses issued on it.</p>
        </div>
        <NewProductDialog />
      </div>
      <SearchFilter label="Search products" hint="Name or slug." search={search} />
      <ProductsList search={search} pageSize={PAGE_SIZE} firstPage={firstPage} />
    </div>
  );
}
